/**
 * PostgreSQL tier (issue 20): several control planes on one database. Each owns the executions it
 * writes and holds a presence lock while it lives; another takes over an owner's unfinished rows
 * only once that owner is gone — closed, or SIGKILLed — and two claiming at once never both get a row.
 */
import { expect, test } from "bun:test";
import { SQL } from "bun";
import { usePostgresServer } from "../../../test/support/postgres-server";
import type { ExecutionRow, StateStore } from "../state-store";
import { createPostgresStore } from "./create-postgres-store";

const server = usePostgresServer();

const row = (id: string, status: ExecutionRow["status"], lane: ExecutionRow["lane"] = "async"): ExecutionRow => ({
  id,
  function: "f",
  lane,
  status,
  attempts: 1,
  input: "{}",
  metadata: null,
  idempotencyKey: null,
  trace: {},
  output: status === "success" ? "1" : null,
  error: null,
  createdAt: Number(id.replace(/\D/g, "")) || 1,
  startedAt: status === "queued" ? null : 2,
  finishedAt: status === "success" ? 3 : null,
  coldStart: false,
  initDurationMs: null,
  parentExecutionId: null,
  rootExecutionId: null,
});

async function writeRows(store: StateStore, rows: ExecutionRow[]) {
  for (const r of rows) await store.executions.accept(r);
  await store.executions.flush();
}

const owners = async (url: string) => {
  const sql = new SQL(url, { max: 1 });
  try {
    const rows = await sql`SELECT id, owner FROM executions ORDER BY id`;
    return Object.fromEntries(rows.map((r: { id: string; owner: string | null }) => [r.id, r.owner]));
  } finally {
    await sql.close();
  }
};

test("a live replica's unfinished rows stay its own; once it closes, another claims them, once", async () => {
  const url = await server().createDatabase("claims");
  const a = await createPostgresStore(url, { replicaId: "a" });
  const b = await createPostgresStore(url, { replicaId: "b" });
  await writeRows(a, [row("e1", "queued"), row("e2", "running"), row("e3", "success")]);
  await writeRows(b, [row("e4", "queued")]);
  expect(await owners(url)).toEqual({ e1: "a", e2: "a", e3: "a", e4: "b" });

  expect(await b.executions.claimUnfinished!()).toEqual([]); // a is alive
  await a.close();
  const claimed = await b.executions.claimUnfinished!();
  expect(claimed.map((r) => [r.id, r.status])).toEqual([
    ["e1", "queued"],
    ["e2", "running"],
  ]);
  expect(await owners(url)).toEqual({ e1: "b", e2: "b", e3: "a", e4: "b" }); // finished rows are not work
  expect(await b.executions.claimUnfinished!()).toEqual([]);

  const c = await createPostgresStore(url, { replicaId: "c" });
  expect(await c.executions.claimUnfinished!()).toEqual([]); // b is alive and owns them all now
  await Promise.all([b.close(), c.close()]);
});

test("a SIGKILLed control plane's rows are claimable at once: the database ended its session", async () => {
  const url = await server().createDatabase("killed");
  const script = `
    const { createPostgresStore } = await import(${JSON.stringify(`${import.meta.dir}/create-postgres-store.ts`)});
    const store = await createPostgresStore(${JSON.stringify(url)}, { replicaId: "doomed" });
    const base = { function: "f", lane: "async", attempts: 1, input: "{}", metadata: null, idempotencyKey: null, trace: {},
      output: null, error: null, startedAt: null, finishedAt: null, coldStart: false, initDurationMs: null,
      parentExecutionId: null, rootExecutionId: null };
    for (let i = 1; i <= 50; i++) await store.executions.accept({ ...base, id: "k" + i, status: "queued", createdAt: i });
    console.log("accepted");
    setInterval(() => {}, 1000);
  `;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
  expect(new TextDecoder().decode((await child.stdout.getReader().read()).value)).toBe("accepted\n");
  const survivor = await createPostgresStore(url, { replicaId: "survivor" });
  expect(await survivor.executions.claimUnfinished!()).toEqual([]);
  child.kill("SIGKILL");
  await child.exited;
  let claimed: ExecutionRow[] = [];
  for (let i = 0; i < 100 && claimed.length === 0; i++) {
    claimed = await survivor.executions.claimUnfinished!();
    if (claimed.length === 0) await Bun.sleep(20);
  }
  expect(claimed.map((r) => r.id).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `k${i + 1}`).sort());
  await survivor.close();
});

test("replicas claiming a departed owner's rows at the same time: every row goes to exactly one", async () => {
  const url = await server().createDatabase("race");
  const gone = await createPostgresStore(url, { replicaId: "gone" });
  await writeRows(
    gone,
    Array.from({ length: 200 }, (_, i) => row(`r${i + 1}`, i % 2 ? "queued" : "running")),
  );
  await gone.close();
  const claimers = await Promise.all(["x", "y", "z"].map((id) => createPostgresStore(url, { replicaId: id })));
  const results = await Promise.all(claimers.map((s) => s.executions.claimUnfinished!()));
  const ids = results.flatMap((rows) => rows.map((r) => r.id));
  expect(ids).toHaveLength(200);
  expect(new Set(ids).size).toBe(200);
  await Promise.all(claimers.map((s) => s.close()));
});

test("rows without an owner (written before schema version 4) are claimed too", async () => {
  const url = await server().createDatabase("legacy");
  const a = await createPostgresStore(url, { replicaId: "a" });
  await writeRows(a, [row("old1", "queued")]);
  const sql = new SQL(url, { max: 1 });
  await sql`UPDATE executions SET owner = NULL`;
  await sql.close();
  expect((await a.executions.claimUnfinished!()).map((r) => r.id)).toEqual(["old1"]);
  await a.close();
});

test("a replica id already held by a live control plane is refused at start-up", async () => {
  const url = await server().createDatabase("twice");
  const a = await createPostgresStore(url, { replicaId: "same" });
  await expect(createPostgresStore(url, { replicaId: "same" })).rejects.toThrow(
    "replica id same is already in use by another live control plane",
  );
  await a.close();
});

test("the live replicas: listed while their presence lock is held, gone once closed or killed", async () => {
  const url = await server().createDatabase("members");
  const b = await createPostgresStore(url, { replicaId: "b" });
  const a = await createPostgresStore(url, { replicaId: "a" });
  expect(await a.replicas!.live()).toEqual(["a", "b"]);
  await b.close();
  expect(await a.replicas!.live()).toEqual(["a"]);
  // A replica that died without closing leaves its row; the next count removes it (its lock is free).
  const sql = new SQL(url, { max: 1 });
  await sql`INSERT INTO control_planes (replica_id, started_at) VALUES ('dead', 1)`;
  expect(await a.replicas!.live()).toEqual(["a"]);
  expect(
    (await sql`SELECT replica_id FROM control_planes ORDER BY replica_id`).map(
      (r: { replica_id: string }) => r.replica_id,
    ),
  ).toEqual(["a"]);
  await sql.close();
  await a.close();
});
