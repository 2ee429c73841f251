/**
 * The SQLite store's write-behind path in-process: CPU per recorded sync execution on the event
 * loop's thread and in the whole process, batch commits on the writer thread (the default for a
 * database file) against commits on the event loop (`writerThread: false`), alternating runs.
 *
 *   bun bench/sqlite-writer.ts [--rows 60000] [--runs 3]
 *
 * Rows are recorded 60 at a time with a 1-ms pause, about what one 20-ms batch holds at ~3 000
 * sync calls/s. Linux only (the main thread's CPU comes from /proc/self/task/<pid>/stat).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { ExecutionRow } from "../src/store/state-store";
import { openSqliteDatabase, sqliteStoreOn } from "../src/store/sqlite/sqlite-store";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { rows: { type: "string", default: "60000" }, runs: { type: "string", default: "3" } },
});

/** CPU µs of this process's main thread (utime + stime, clock ticks of 10 ms). */
function mainThreadCpuUs(): number {
  const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

function processCpuUs(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

function syncRow(id: string, now: number): ExecutionRow {
  const body = '{"hello":"world","n":12345}';
  return {
    ...{ id, function: "bench-echo", lane: "sync", status: "success", attempts: 1, input: body, output: body },
    ...{ metadata: null, idempotencyKey: null, trace: { traceId: "abc" }, error: null },
    ...{ createdAt: now, startedAt: now, finishedAt: now + 1, coldStart: false, initDurationMs: null },
    ...{ parentExecutionId: null, rootExecutionId: null },
  };
}

async function run(writerThread: boolean, rows: number): Promise<{ mainUs: number; processUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-sqlite-writer-"));
  const store = sqliteStoreOn(openSqliteDatabase({ path: join(dir, "n.db") }), { writerThread });
  const main0 = mainThreadCpuUs();
  const process0 = processCpuUs();
  for (let i = 0; i < rows; i += 60) {
    const now = Date.now();
    for (let j = 0; j < 60; j++) store.executions.record(syncRow(Bun.randomUUIDv7(), now));
    await Bun.sleep(1);
  }
  await store.executions.flush();
  const result = { mainUs: (mainThreadCpuUs() - main0) / rows, processUs: (processCpuUs() - process0) / rows };
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

for (let i = 0; i < Number(values.runs); i++) {
  for (const writerThread of [false, true]) {
    const r = await run(writerThread, Number(values.rows));
    const name = writerThread ? "writer thread" : "event loop  ";
    console.log(`${name}  main thread ${r.mainUs.toFixed(2)} µs/row  process ${r.processUs.toFixed(2)} µs/row`);
  }
}
