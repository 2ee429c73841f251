/**
 * @module
 * What the message-queue tools tests (NATS, RabbitMQ) share: the function the messages invoke, the
 * spec that registers it, the consumers' message counters, the DLQ's inputs, and every page of a
 * list from a control-plane process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Registry } from "prom-client";
import type { ControlPlane } from "../../src/control-plane";

/** The messages' function: `{i, fail?, slowMs?}` → fails every attempt when `fail`, else echoes (after `slowMs`). */
export function echoFunction() {
  /** Attempts per input `i`. */
  const calls = new Map<number, number>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      const { input } = (await request.json()) as { input: { i: number; fail?: boolean; slowMs?: number } };
      calls.set(input.i, (calls.get(input.i) ?? 0) + 1);
      if (input.slowMs) await Bun.sleep(input.slowMs);
      return input.fail ? new Response("boom", { status: 500 }) : Response.json(input);
    },
  });
  return { server, calls };
}

/** The crash tests' function: each attempt fails 10 % of the time at random. */
export function flakyFunction() {
  const succeeded = new Set<number>();
  let attempts = 0;
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (request) => {
      const { input } = (await request.json()) as { input: { i: number } };
      attempts++;
      if (Math.random() < 0.1) return new Response("random failure", { status: 500 });
      succeeded.add(input.i);
      return Response.json(input);
    },
  });
  return { server, succeeded, attempts: () => attempts };
}

/** A POOL function on `server` with 2 attempts and a tiny backoff, consuming `source`. */
export function consumingSpec(
  name: string,
  server: { port: number | undefined },
  source: Record<string, unknown>,
  sizes: { concurrency: number; queueSize: number } = { concurrency: 4, queueSize: 20 },
) {
  return {
    name,
    executionMode: "POOL",
    endpointUrl: `http://127.0.0.1:${server.port}/`,
    ...sizes,
    maxRetries: 2,
    retryBackoff: { baseDelayMs: 1, maxDelayMs: 10, jitter: 0 },
    eventSources: [source],
  };
}

/** `nanofaas_event_source_messages_total` summed over `outcome` (and `fn` when given). */
export async function countedMessages(registry: Registry, outcome: string, fn?: string): Promise<number> {
  const metric = await registry.getSingleMetric("nanofaas_event_source_messages_total")?.get();
  const values = metric?.values.filter((v) => v.labels.outcome === outcome && (!fn || v.labels.function === fn));
  return values?.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

/** The `i` of every DLQ entry of `fn`, sorted. */
export async function deadLetteredInputs(cp: ControlPlane, fn: string): Promise<number[]> {
  const dead = (await cp.deadLetters.list({ function: fn, limit: 500 })).items;
  return dead.map((d) => (JSON.parse(String(d.input)) as { i: number }).i).sort((a, b) => a - b);
}

/** Every item of a paginated list of a control-plane process (`path` has a query already). */
export async function allPages<T>(api: string, path: string): Promise<T[]> {
  const items: T[] = [];
  for (let cursor: string | null = ""; cursor !== null; ) {
    const url = `${api}${path}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page = (await (await fetch(url)).json()) as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  return items;
}

/** The `i` of every DLQ entry of `fn` in a control-plane process. */
export async function deadLetteredSet(api: string, fn: string): Promise<Set<number>> {
  const dead = await allPages<{ input: unknown }>(api, `/v1/dlq?function=${fn}`);
  return new Set(dead.map((d) => (typeof d.input === "string" ? JSON.parse(d.input) : d.input).i as number));
}

/**
 * What the brokers' crash tests share: a temp data dir for the control plane's SQLite store, the
 * flaky function, the control plane's env (the broker's URL as NANOFAAS_SOURCE_CRASH), and a cleanup.
 */
export function crashRun(brokerUrl: string) {
  const dataDir = mkdtempSync(join(tmpdir(), "nanofaas-crash-"));
  const fn = flakyFunction();
  return {
    fn,
    env: { NANOFAAS_STORE: "sqlite", NANOFAAS_DATA_DIR: dataDir, NANOFAAS_SOURCE_CRASH: brokerUrl },
    cleanup: () => {
      fn.server.stop(true);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
