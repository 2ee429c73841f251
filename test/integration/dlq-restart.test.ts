/**
 * Issue 17, "Done when": DLQ and history work across a restart. A control plane on a real SQLite
 * file dead-letters an async execution; a second control plane opens the same file (start-up
 * recovery included), and the entry, the history and the function are there: the client lists
 * them, the CLI replays the entry, and the replay runs as a new execution linked to the original.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { createNanofaasClient } from "../../openapi/client";
import { silentLogger } from "../../src/observability/logger";
import { recoverState } from "../../src/registry/recover-state";
import type { StateStore } from "../../src/store/state-store";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-dlq-restart-"));
const path = join(dir, "nanofaas.db");
let healthy = false;
const pod = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  // Once healthy, answers with the request body as it came (the input byte for byte).
  fetch: async (req) =>
    healthy
      ? new Response(await req.text(), { headers: { "content-type": "application/json" } })
      : new Response("down", { status: 500 }),
});
let cli: CliSandbox;
afterAll(() => {
  pod.stop(true);
  cli?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A served control plane on the SQLite file, after start-up recovery (as main.ts does it). */
async function start(): Promise<{ served: Served; store: StateStore }> {
  const store = createSqliteStore({ path });
  const cp = testControlPlane({}, { store });
  await recoverState({ store, functions: cp.functions, engine: cp.engine }, silentLogger());
  return { served: serveControlPlane(cp), store };
}

let originalId = "";
let entryId = "";

beforeAll(async () => {
  const first = await start();
  const client = createNanofaasClient(first.served.url);
  const spec = {
    name: "billing",
    image: "x",
    executionMode: "POOL" as const,
    endpointUrl: pod.url.href,
    maxRetries: 2,
    retryBackoff: { baseDelayMs: 1, maxDelayMs: 1, jitter: 0 },
  };
  expect((await client.POST("/v1/functions", { body: spec })).response.status).toBe(201);
  // Raw text: the number must survive byte for byte (a JS client would round it before sending).
  const res = await fetch(`${first.served.url}/v1/functions/billing:enqueue`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"input": {"invoice": 7, "amount": 12345678901234567890}}',
  });
  const data = (await res.json()) as { executionId: string };
  originalId = data.executionId;
  entryId = await until(async () => (await client.GET("/v1/dlq", {})).data?.items[0]?.id, "the DLQ entry");
  await first.served.stop();
  await first.store.close(); // the "restart": everything below reads the file again
});

describe("after a restart on the same SQLite file", () => {
  let second: { served: Served; store: StateStore };
  beforeAll(async () => {
    second = await start();
    cli = cliSandbox({ NANOFAAS_ENDPOINT: second.served.url });
  });
  afterAll(async () => {
    await second.served.stop();
    await second.store.close();
  });

  test("the DLQ entry and the failed execution's history are still there", async () => {
    const client = createNanofaasClient(second.served.url);
    const entry = (await client.GET("/v1/dlq/{id}", { params: { path: { id: entryId } } })).data;
    expect(entry).toMatchObject({ function: "billing", executionId: originalId, attempts: 2, replayedAs: null });
    const raw = await (await fetch(`${second.served.url}/v1/dlq/${entryId}`)).text();
    expect(raw).toContain('"input":{"invoice": 7, "amount": 12345678901234567890}');
    const history = (await client.GET("/v1/executions", { params: { query: { function: "billing" } } })).data!;
    expect(history.items.map((item) => [item.executionId, item.status, item.attempts])).toEqual([
      [originalId, "error", 2],
    ]);
  });

  test("the CLI replays it: a new execution linked to the original runs and succeeds", async () => {
    healthy = true;
    const replay = await cli.json<{ executionId: string }>(["dlq", "replay", entryId, "-o", "json"]);
    const client = createNanofaasClient(second.served.url);
    const view = await until(async () => {
      const { data } = await client.GET("/v1/executions/{executionId}", {
        params: { path: { executionId: replay.executionId } },
      });
      return data?.status === "success" ? data : undefined;
    }, "the replay to succeed");
    expect(view).toMatchObject({ function: "billing", parentExecutionId: originalId, rootExecutionId: originalId });
    const rawView = await (await fetch(`${second.served.url}/v1/executions/${replay.executionId}`)).text();
    expect(rawView).toContain("12345678901234567890"); // the replay sent the stored input byte for byte
    const listed = await cli.run(["dlq", "list"]);
    expect(listed.stdout).toContain(replay.executionId); // REPLAYED AS
    await second.store.executions.flush(); // its success is recorded write-behind
    const succeeded = await cli.json<{ items: { executionId: string; parentExecutionId: string }[] }>([
      "exec",
      "list",
      "--function",
      "billing",
      "--status",
      "success",
      "-o",
      "json",
    ]);
    expect(succeeded.items.map((item) => item.parentExecutionId)).toContain(originalId);
  });
});
