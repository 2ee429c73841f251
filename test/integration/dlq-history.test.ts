/**
 * Issue 17, DLQ and history end to end: a function that always fails, invoked async with
 * maxRetries, lands in the DLQ; the generated client and the CLI (a real subprocess) list and read
 * it, replay it (a new execution linked to the original), find it in `exec list`, delete and purge.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createNanofaasClient, type NanofaasClient } from "../../openapi/client";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { type Served, serveControlPlane, testControlPlane } from "../support/control-plane";
import { until } from "../support/until";

let served: Served;
let pod: ReturnType<typeof Bun.serve>;
let client: NanofaasClient;
let cli: CliSandbox;

beforeAll(async () => {
  pod = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("down", { status: 503 }) });
  served = serveControlPlane(testControlPlane());
  client = createNanofaasClient(served.url);
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
  const body = {
    name: "flaky",
    image: "x",
    executionMode: "POOL" as const,
    endpointUrl: pod.url.href,
    maxRetries: 3,
    retryBackoff: { baseDelayMs: 1, maxDelayMs: 2, jitter: 0 },
  };
  expect((await client.POST("/v1/functions", { body })).response.status).toBe(201);
});
afterAll(async () => {
  await served.stop();
  pod.stop(true);
  cli.cleanup();
});

/** Enqueues through the client and waits for the DLQ entry of that execution. */
async function failOnce(input: unknown): Promise<{ executionId: string; entryId: string }> {
  const { data } = await client.POST("/v1/functions/{name}:enqueue", {
    params: { path: { name: "flaky" } },
    body: { input },
  });
  const executionId = data!.executionId;
  const entryId = await until(
    async () => {
      const page = await client.GET("/v1/dlq", { params: { query: { function: "flaky" } } });
      return page.data?.items.find((item) => item.executionId === executionId)?.id;
    },
    `the DLQ entry of ${executionId}`,
    { timeoutMs: 10_000 },
  );
  return { executionId, entryId };
}

describe("DLQ through the client and the CLI", () => {
  test("a failing async execution is dead-lettered; client and CLI list and read it", async () => {
    const { executionId, entryId } = await failOnce({ order: 42 });
    const entry = (await client.GET("/v1/dlq/{id}", { params: { path: { id: entryId } } })).data!;
    expect(entry).toMatchObject({ function: "flaky", executionId, input: { order: 42 }, attempts: 3 });
    expect(entry.error?.code).toBe("POOL_ERROR");

    const list = await cli.run(["dlq", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+FUNCTION\s+EXECUTION\s+ATTEMPTS\s+FAILED\s+ERROR\s+REPLAYED AS$/);
    expect(list.stdout).toContain(executionId);
    const got = await cli.json<{ input: unknown }>(["dlq", "get", entryId, "-o", "json"]);
    expect(got.input).toEqual({ order: 42 });
    expect((await cli.run(["dlq", "get", "nope"])).code).toBe(3);
  });

  test("replay through the CLI: a new execution with the parent link; a second replay exits 4", async () => {
    const { executionId, entryId } = await failOnce("again");
    const replay = await cli.json<{ executionId: string; status: string }>(["dlq", "replay", entryId, "-o", "json"]);
    expect(replay.status).toBe("queued");
    const view = await client.GET("/v1/executions/{executionId}", {
      params: { path: { executionId: replay.executionId } },
    });
    expect(view.data).toMatchObject({
      function: "flaky",
      parentExecutionId: executionId,
      rootExecutionId: executionId,
    });
    const again = await cli.run(["dlq", "replay", entryId]);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain(
      `CONFLICT: DLQ entry '${entryId}' was already replayed as execution '${replay.executionId}'`,
    );
  });

  test("exec list filters by function and status, newest first, and pages with --limit/--cursor", async () => {
    await failOnce(1);
    const errors = await cli.json<{ items: { function: string; status: string; createdAt: string }[] }>([
      "exec",
      "list",
      "--function",
      "flaky",
      "--status",
      "error",
      "-o",
      "json",
    ]);
    expect(errors.items.length).toBeGreaterThanOrEqual(3);
    expect(errors.items.every((item) => item.function === "flaky" && item.status === "error")).toBe(true);
    const created = errors.items.map((item) => item.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    const table = await cli.run(["exec", "list", "--status", "error", "--limit", "1", "--since", "1h"]);
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split("\n")).toHaveLength(2);
    const cursor = /--cursor (\S+)/.exec(table.stderr)?.[1];
    expect(cursor).toBeDefined();
    const next = await cli.json<{ items: { executionId: string }[] }>([
      "exec",
      "list",
      "--status",
      "error",
      "--limit",
      "1",
      "--cursor",
      cursor!,
      "-o",
      "json",
    ]);
    expect(table.stdout).not.toContain(next.items[0]!.executionId);
    const bad = await cli.run(["exec", "list", "--status", "done"]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("VALIDATION_ERROR");
    expect((await cli.run(["exec", "list", "--cursor", "garbage"])).stderr).toContain("BAD_REQUEST");
  });

  test("rm deletes one entry; purge needs --yes and reports how many it deleted", async () => {
    const { entryId } = await failOnce("rm me");
    expect((await cli.run(["dlq", "rm", entryId])).stdout).toBe(`dlq/${entryId} deleted\n`);
    expect((await cli.run(["dlq", "rm", entryId])).code).toBe(3);
    const refused = await cli.run(["dlq", "purge", "--function", "flaky"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--yes");
    const left = (await client.GET("/v1/dlq", {})).data!.items.length;
    expect(left).toBeGreaterThan(0);
    expect((await cli.run(["dlq", "purge", "--function", "flaky", "--yes"])).stdout).toBe(`purged ${left} entries\n`);
    expect((await client.GET("/v1/dlq", {})).data!.items).toEqual([]);
  });
});
