/**
 * PostgreSQL tier (issue 23 with issue 20): several control planes on one database share workflow
 * runs as they share executions. Each run records the replica driving it; another replica takes a
 * running run over only once that replica is gone (its presence lock is free), once, with its steps.
 */
import { expect, test } from "bun:test";
import { usePostgresServer } from "../../../test/support/postgres-server";
import { run } from "../workflow-rows.contract";
import { createPostgresStore } from "./create-postgres-store";

const server = usePostgresServer();

test("a live replica's running runs stay its own; once it closes, another claims them, once", async () => {
  const url = await server().createDatabase("workflow_claims");
  const a = await createPostgresStore(url, { replicaId: "a" });
  const b = await createPostgresStore(url, { replicaId: "b" });
  await a.workflows.runs.put(run("r1", "etl", 10));
  await a.workflows.runs.put(run("r2", "etl", 11, { status: "success", finishedAt: 20 }));
  await b.workflows.runs.put(run("r3", "etl", 12));
  const done = { ...run("r1", "etl", 10).steps[0]!, status: "success" as const, attempts: 1, output: { n: 1 } };
  await a.workflows.runs.putStep("r1", done);

  expect(await b.workflows.runs.claimUnfinished!()).toEqual([]); // a is alive; r3 is b's own
  await a.close();
  const claimed = await b.workflows.runs.claimUnfinished!();
  // the run with its steps as a left them (a resume continues after the completed one); finished runs are not work
  expect(claimed).toEqual([run("r1", "etl", 10, { steps: [done, run("r1", "etl", 10).steps[1]!] })]);
  expect(await b.workflows.runs.claimUnfinished!()).toEqual([]);

  const c = await createPostgresStore(url, { replicaId: "c" });
  expect(await c.workflows.runs.claimUnfinished!()).toEqual([]); // b is alive and drives r1 and r3 now
  await Promise.all([b.close(), c.close()]);
});

test("two replicas claiming a departed replica's runs at once get each run once", async () => {
  const url = await server().createDatabase("workflow_claims_race");
  const gone = await createPostgresStore(url, { replicaId: "gone" });
  for (let i = 0; i < 20; i++) await gone.workflows.runs.put(run(`r${i}`, "etl", 100 + i));
  await gone.close();
  const [x, y] = await Promise.all([
    createPostgresStore(url, { replicaId: "x" }),
    createPostgresStore(url, { replicaId: "y" }),
  ]);
  const [fromX, fromY] = await Promise.all([x.workflows.runs.claimUnfinished!(), y.workflows.runs.claimUnfinished!()]);
  const ids = [...fromX, ...fromY].map((r) => r.id).sort();
  expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => `r${i}`).sort());
  await Promise.all([x.close(), y.close()]);
});
