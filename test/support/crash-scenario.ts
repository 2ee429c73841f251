/**
 * @module
 * The done-when scenario of issue 17, for any durable store: the real control plane (`bun
 * src/main.ts`, process backend, a slow function registered through the API) accepts 5 000 async
 * invocations while it is SIGKILLed mid-flight, then restarts on the same store. Every 202-accepted
 * execution must reach a terminal state, none may be lost, an execution may run twice only if it was
 * in flight at the kill (its end was not yet durable), and the function and its replicas come back
 * once. test/integration/durable-crash.tools.ts runs it on SQLite, durable-crash-postgres.tools.ts
 * on PostgreSQL.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { survivors } from "../../src/deploy/process/fixtures/processes";
import { type ControlPlaneProcess, REPO, startControlPlane } from "./control-plane-process";
import { until } from "./until";

export interface CrashStore {
  /** Named in the test title and the figures line: "SQLite file", "PostgreSQL database". */
  title: string;
  /** NANOFAAS_STORE and where the store lives (inside `dir` for a file); called inside the test. */
  env(dir: string): Promise<Record<string, string>>;
  /** The store's rows of function `slow` as they are once the killed process is gone. */
  rowsAtKill(): Promise<{ id: string; status: string }[]>;
}

const TOTAL = 5_000;
const KILL_AFTER = 2_500;
const PROCESS_ENV = (dir: string) => ({
  NANOFAAS_DEPLOYMENT_BACKEND: "process",
  NANOFAAS_PROCESS_STATE_DIR: join(dir, "process-state"),
  NANOFAAS_PROCESS_ALLOWED_COMMANDS: "*",
});
const SPEC = (dir: string) => ({
  name: "slow",
  executionMode: "DEPLOYMENT",
  command: [process.execPath, join(REPO, "test/fixtures/recording-pod.ts")],
  env: { RECORD_FILE: join(dir, "record.log"), SLEEP_MS: "20" },
  concurrency: 16,
  queueSize: 10_000,
  maxRetries: 3,
  timeoutMs: 10_000,
  scalingConfig: { minReplicas: 2, maxReplicas: 2 },
});

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});
const replicaGroups = (cp: ControlPlaneProcess) =>
  cp.lines.flatMap((l) => /started pid (\d+)/.exec(String(l.msg))?.[1] ?? []).map(Number);

/** Fires `:enqueue` calls, `parallel` at a time, until `total` or the server dies; returns the accepted ids. */
async function fire(api: string, total: number, parallel: number, onAccepted: (n: number) => void) {
  const accepted: string[] = [];
  let next = 0;
  let dead = false;
  const worker = async () => {
    while (!dead && next < total) {
      const i = next++;
      try {
        const res = await fetch(`${api}/v1/functions/slow:enqueue`, json({ input: { i } }));
        if (res.status === 202) {
          accepted.push(((await res.json()) as { executionId: string }).executionId);
          onAccepted(accepted.length);
        } else if (res.status >= 500) dead = true;
      } catch {
        dead = true; // the control plane was killed: connection refused or reset
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return accepted;
}

async function allExecutions(api: string) {
  const rows = new Map<string, { status: string; attempts: number }>();
  let cursor: string | null = null;
  do {
    const url: string = `${api}/v1/executions?function=slow&limit=500${cursor ? `&cursor=${cursor}` : ""}`;
    const page = (await (await fetch(url)).json()) as {
      items: { executionId: string; status: string; attempts: number }[];
      nextCursor: string | null;
    };
    for (const item of page.items) rows.set(item.executionId, { status: item.status, attempts: item.attempts });
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

export function describeCrashTest(store: CrashStore) {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-crash-"));
  const children: ControlPlaneProcess[] = [];
  afterAll(() => {
    for (const cp of children) cp.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  describe(`SIGKILL during 5 000 async invocations, restart on the same ${store.title}`, () => {
    test("every accepted execution ends, none is lost, only in-flight ones run twice, the function comes back once", async () => {
      const env = { ...PROCESS_ENV(dir), ...(await store.env(dir)) };
      const first = await startControlPlane(env);
      children.push(first);
      expect((await fetch(`${first.api}/v1/functions`, json(SPEC(dir)))).status).toBe(201);
      // A sync call that succeeds: both replicas are up and the pod writes its record.
      await until(
        async () => (await fetch(`${first.api}/v1/functions/slow:invoke`, json({ input: "warm" }))).status === 200,
        "the function to answer",
        { timeoutMs: 20_000 },
      );
      const oldGroups = replicaGroups(first);
      expect(oldGroups.length).toBe(2);

      const started = performance.now();
      const accepted = await fire(first.api, TOTAL, 64, (n) => {
        if (n === KILL_AFTER) first.child.kill("SIGKILL");
      });
      await first.exited();
      const acceptMs = performance.now() - started;

      // What the store says at the kill: which executions were already durably finished.
      const atKill = await store.rowsAtKill();
      const finishedAtKill = new Set(atKill.filter((r) => r.status === "success").map((r) => r.id));
      const storedAtKill = new Set(atKill.map((r) => r.id));
      for (const id of accepted) expect(storedAtKill.has(id)).toBe(true); // a 202 means it is stored

      const second = await startControlPlane(env);
      children.push(second);
      // "started" is logged when the listeners are up; start-up recovery (functions, keys,
      // unfinished executions) is done once readiness answers 200.
      await until(async () => (await fetch(`${second.management}/readyz`)).status === 200, "start-up recovery", {
        timeoutMs: 20_000,
        intervalMs: 50,
      });
      // The dead run's replica process groups are reaped; exactly two new replicas start.
      expect(await survivors(oldGroups, 5_000)).toEqual([]);
      const functions = (await (await fetch(`${second.api}/v1/functions`)).json()) as { name: string }[];
      expect(functions.map((f) => f.name)).toEqual(["slow"]);
      // The calls the kill refused, sent again as a client would: 5 000 accepted in all.
      const resent = await fire(second.api, TOTAL - accepted.length, 64, () => {});
      expect(resent.length).toBe(TOTAL - accepted.length);
      const everyAccepted = [...accepted, ...resent];
      await until(
        async () => {
          for (const status of ["queued", "running"]) {
            const page = await (
              await fetch(`${second.api}/v1/executions?function=slow&status=${status}&limit=1`)
            ).json();
            if ((page as { items: unknown[] }).items.length > 0) return false;
          }
          return true;
        },
        "every recovered execution to finish",
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(replicaGroups(second).length).toBe(2);

      const rows = await allExecutions(second.api);
      const lost = everyAccepted.filter((id) => rows.get(id)?.status !== "success");
      expect(lost).toEqual([]);

      const starts = new Map<string, number[]>();
      for (const line of readFileSync(join(dir, "record.log"), "utf8").split("\n")) {
        const [kind, id, attempt] = line.split(" ");
        if (kind === "start" && id) starts.set(id, [...(starts.get(id) ?? []), Number(attempt)]);
      }
      for (const id of everyAccepted) expect(starts.has(id)).toBe(true);
      const duplicates = [...starts].filter(([, attempts]) => attempts.length > 1);
      // Only executions whose end was not durable at the kill may run again.
      expect(duplicates.filter(([id]) => finishedAtKill.has(id))).toEqual([]);
      const retriedAsNewAttempt = duplicates.filter(([, attempts]) => attempts.at(-1)! > attempts[0]!).length;
      const inFlightBound = SPEC(dir).concurrency * SPEC(dir).scalingConfig.maxReplicas;
      console.log(
        `crash test (${store.title}): ${accepted.length} accepted (in ${Math.round(acceptMs)} ms) before the kill, ${resent.length} after the restart; ` +
          `${finishedAtKill.size} finished durably before the kill, ${atKill.length - finishedAtKill.size} unfinished at the kill; ` +
          `${duplicates.length} executions ran twice (${retriedAsNewAttempt} as a new attempt, X-Dispatch-Attempt + 1; ` +
          `${duplicates.length - retriedAsNewAttempt} dispatched within the last write-behind batch, re-run as the same attempt); ` +
          `${inFlightBound} slots were in flight; 0 lost`,
      );
      await second.stop();
    }, 180_000);
  });
}
