/**
 * Bun's built-in SQL client vs the `postgres` npm package against a real server (fsync on):
 * N single-row inserts one after another, the same rows group-committed in transactions of 100
 * (what `executions.accept` does under load), the round trip of `SELECT 1`, and then the store
 * itself: N `executions.accept` calls from 64 concurrent callers (durable `:enqueue`'s write).
 * Usage: bun bench/postgres-client.ts [N] [path to a node_modules holding `postgres`]
 */
import { SQL } from "bun";
import { createPostgresStore } from "../src/store/postgres/create-postgres-store";
import { execution } from "../src/store/state-store.contract";
import { startPostgres } from "../test/support/postgres-server";

const N = Number(process.argv[2] ?? 10_000);
const pgModule = process.argv[3];

interface Client {
  name: string;
  exec(text: string, params: unknown[]): Promise<unknown>;
  batch(rows: [string, string][]): Promise<unknown>;
  close(): Promise<void>;
}

async function measure(client: Client) {
  await client.exec("DROP TABLE IF EXISTS t", []);
  await client.exec("CREATE TABLE t (id text PRIMARY KEY, body text NOT NULL)", []);
  const body = JSON.stringify({ hello: "world", n: 42 });
  let t = performance.now();
  for (let i = 0; i < N; i++) await client.exec("INSERT INTO t (id, body) VALUES ($1, $2)", [`s${i}`, body]);
  const single = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < N; i += 100) {
    const rows: [string, string][] = [];
    for (let j = i; j < i + 100 && j < N; j++) rows.push([`b${j}`, body]);
    await client.batch(rows);
  }
  const batched = performance.now() - t;
  const rtts: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const s = performance.now();
    await client.exec("SELECT 1", []);
    rtts.push(performance.now() - s);
  }
  rtts.sort((a, b) => a - b);
  const p = (q: number) => rtts[Math.floor(q * (rtts.length - 1))]!.toFixed(3);
  console.log(
    `${client.name}: ${N} single inserts ${single.toFixed(0)} ms (${((N / single) * 1000).toFixed(0)}/s); ` +
      `batched x100 ${batched.toFixed(0)} ms (${((N / batched) * 1000).toFixed(0)}/s); SELECT 1 p50 ${p(0.5)} ms p99 ${p(0.99)} ms`,
  );
  await client.close();
}

const server = await startPostgres({ fsync: true });
try {
  const bun = new SQL(server.url, { max: 4 });
  await measure({
    name: "bun SQL",
    exec: (text, params) => bun.unsafe(text, params),
    batch: (rows) =>
      bun.begin(async (tx) => {
        await tx`INSERT INTO t ${tx(rows.map(([id, body]) => ({ id, body })))}`;
      }),
    close: () => bun.close(),
  });
  if (pgModule) {
    const postgres = (await import(`${pgModule}/postgres/src/index.js`)).default;
    const pg = postgres(server.url, { max: 4 });
    await measure({
      name: "postgres npm",
      exec: (text, params) => pg.unsafe(text, params),
      batch: (rows) =>
        pg.begin(async (tx: typeof pg) => {
          await tx`INSERT INTO t ${tx(rows.map(([id, body]) => ({ id, body })))}`;
        }),
      close: () => pg.end(),
    });
  }
  const store = await createPostgresStore(await server.createDatabase("store"));
  const t = performance.now();
  let next = 0;
  const caller = async () => {
    while (next < N) await store.executions.accept(execution(`a${next++}`));
  };
  await Promise.all(Array.from({ length: 64 }, caller));
  const ms = performance.now() - t;
  console.log(`store accept: ${N} from 64 callers ${ms.toFixed(0)} ms (${((N / ms) * 1000).toFixed(0)}/s)`);
  await store.close();
} finally {
  await server.destroy();
}
