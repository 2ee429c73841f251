/**
 * The logs route through app.request (SPEC-platform §8): NDJSON of the held lines with filters,
 * Server-Sent Events when following, clear 400s for bad parameters, 404 for an unknown function.
 */
import { describe, expect, test } from "bun:test";
import type { Deployer } from "../../deploy/deployer";
import { LogHub } from "../../logs/log-hub";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import { sinceMs } from "./function-logs";

function setUp() {
  const hub = new LogHub(100);
  const deployer: Deployer = {
    id: "fake",
    provision: async () => ({ endpointUrl: "http://127.0.0.1:9/invoke" }),
    deprovision: async () => undefined,
    setReplicas: async () => undefined,
    readyReplicas: () => 0,
    pickEndpoint: () => undefined,
    onReadyChange: () => () => undefined,
    logs: hub,
    close: async () => undefined,
  };
  const cp = testControlPlane({}, { deployer });
  return { cp, hub };
}

const ndjson = async (res: Response) =>
  (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("GET /v1/functions/{name}/logs", () => {
  test("NDJSON of the held lines, filtered by execution, replica and tail", async () => {
    const { cp, hub } = setUp();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "fn", image: "x/fn:1" }));
    hub.record("fn", "0", "stdout", "[exec e1 trace t1] first");
    hub.record("fn", "1", "stderr", "[exec e2] second");
    hub.record("fn", "1", "stdout", "third");
    const all = await cp.app.request("/v1/functions/fn/logs");
    expect(all.status).toBe(200);
    expect(all.headers.get("content-type")).toStartWith("application/x-ndjson");
    const lines = await ndjson(all);
    expect(lines.map((l) => l.message)).toEqual(["first", "second", "third"]);
    expect(lines[0]).toMatchObject({
      function: "fn",
      replica: "0",
      stream: "stdout",
      executionId: "e1",
      traceId: "t1",
    });
    expect(Date.parse(lines[0]!.time as string)).toBeGreaterThan(Date.now() - 60_000);
    const byExecution = await ndjson(await cp.app.request("/v1/functions/fn/logs?executionId=e2"));
    expect(byExecution.map((l) => l.message)).toEqual(["second"]);
    const byReplica = await ndjson(await cp.app.request("/v1/functions/fn/logs?replica=1&tail=1"));
    expect(byReplica.map((l) => l.message)).toEqual(["third"]);
    expect(await ndjson(await cp.app.request("/v1/functions/fn/logs?since=1h"))).toHaveLength(3);
    expect(await ndjson(await cp.app.request("/v1/functions/fn/logs?since=2999-01-01T00:00:00Z"))).toHaveLength(0);
  });

  test("follow=true: Server-Sent Events, the held lines then each new one, until the client leaves", async () => {
    const { cp, hub } = setUp();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "fn", image: "x/fn:1" }));
    hub.record("fn", "0", "stdout", "[exec e1] before");
    hub.record("fn", "0", "stdout", "[exec e9] someone else");
    const leave = new AbortController();
    const res = await cp.app.request("/v1/functions/fn/logs?follow=true&executionId=e1", { signal: leave.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value, { stream: true });
    };
    await readUntil("before");
    hub.record("fn", "0", "stdout", "[exec e9] not for us");
    hub.record("fn", "0", "stderr", "[exec e1] after");
    await readUntil("after");
    const events = text.split("\n\n").filter((e) => e.startsWith("event: log"));
    expect(events.map((e) => (JSON.parse(e.split("data: ")[1]!) as { message: string }).message)).toEqual([
      "before",
      "after",
    ]);
    leave.abort();
    await reader.cancel();
  });

  test("bad parameters are 400 VALIDATION_ERROR; an unknown function is 404", async () => {
    const { cp } = setUp();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "fn", image: "x/fn:1" }));
    for (const query of ["since=yesterday", "tail=-1", "tail=abc", "follow=maybe", "since=2026-13-45T99:00:00Z"]) {
      const res = await cp.app.request(`/v1/functions/fn/logs?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe("VALIDATION_ERROR");
    }
    const missing = await cp.app.request("/v1/functions/nope/logs");
    expect(missing.status).toBe(404);
  });

  test("a function the backend does not run (LOCAL) has no lines", async () => {
    const { cp, hub } = setUp();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "loc", executionMode: "LOCAL" }));
    hub.record("loc", "0", "stdout", "not collected for LOCAL");
    expect(await ndjson(await cp.app.request("/v1/functions/loc/logs"))).toEqual([]);
  });

  test("since: a duration back from now or an ISO-8601 time", () => {
    expect(sinceMs("10m", 1_000_000)).toBe(400_000);
    expect(sinceMs("2026-01-01T00:00:00Z", 0)).toBe(Date.parse("2026-01-01T00:00:00Z"));
  });
});
