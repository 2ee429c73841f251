/**
 * The poison-row behaviour every durable store shares (write-batcher.ts): one batch holding good
 * rows and rows the database refuses (NOT NULL input) — accepted and write-behind — commits the
 * good ones and drops, logs and counts only the refused ones. The SQLite tests and the PostgreSQL
 * tier run it against real databases.
 */
import { expect } from "bun:test";
import pino from "pino";
import type { Logger } from "../observability/logger";
import { execution } from "./state-store.contract";
import type { StateStore } from "./state-store";
import { PoisonRowError } from "./write-batcher";

/** A logger whose error lines the test reads back (parsed). */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const logged: string[] = [];
  const logger = pino({ level: "error" }, { write: (line: string) => logged.push(line) });
  return { logger, lines: () => logged.map((line) => JSON.parse(line)) };
}

/** Writes the mixed batch and checks the outcome; returns the poison-row log lines for store-specific checks. */
export async function expectPoisonRowsIsolated(
  store: StateStore,
  lines: () => Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const nullInput = null as unknown as string;
  const secret = '{"secret": "user data 8e1f"}';
  store.executions.record(execution("w1", { lane: "sync", status: "success", input: secret }));
  store.executions.record(execution("w-bad", { input: nullInput }));
  store.idempotency.publish("f", "k1", "w1", Number.MAX_SAFE_INTEGER);
  // One turn: one group commit, which the poison rows fail as a whole.
  const results = await Promise.allSettled([
    store.executions.accept(execution("a1", { input: secret })),
    store.executions.accept(execution("a-bad", { input: nullInput })),
    store.executions.accept(execution("a2")),
  ]);
  expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(PoisonRowError);
  await store.executions.flush();
  for (const id of ["a1", "a2", "w1"]) expect((await store.executions.get(id))?.id).toBe(id);
  expect(await store.executions.get("a-bad")).toBeUndefined();
  expect(await store.executions.get("w-bad")).toBeUndefined();
  expect((await store.idempotency.loadLive(0)).map((k) => k.key)).toEqual(["k1"]);
  expect(store.poisonRows?.()).toBe(2);
  expect(store.healthy()).toBe(true); // a data error is no outage: readiness stays 200
  const poison = lines().filter((l) => l.row);
  expect(poison.map((l) => [l.row, l.id])).toEqual([
    ["execution", "a-bad"],
    ["execution", "w-bad"],
  ]);
  expect(JSON.stringify(lines())).not.toContain("8e1f"); // a row's content is never logged
  return poison;
}
