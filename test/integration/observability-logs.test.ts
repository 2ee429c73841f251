/**
 * Structured logs: one JSON object per line, an access log line per API request (never for
 * probes or /metrics), execution events carrying executionId, function and traceId, and the level
 * filter.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createLogger } from "../../src/observability/logger";
import { jsonRequest, type Served, serveControlPlane, testControlPlane } from "../support/control-plane";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

/** A served control plane whose log lines (raw text) are collected in memory. */
function withLogs(level: string) {
  const raw: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void raw.push(line) } });
  served = serveControlPlane(testControlPlane({}, { logger }));
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { served, raw, lines };
}

describe("logs", () => {
  test("every line is one JSON object with a level label and an ISO time", async () => {
    const { served, raw } = withLogs("debug");
    await fetch(`${served.url}/v1/functions`, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    await fetch(`${served.url}/v1/functions/echo:invoke`, jsonRequest("POST", { input: 1 }));
    expect(raw.length).toBeGreaterThan(3);
    for (const line of raw) {
      expect(line.endsWith("\n")).toBe(true);
      expect(line.trimEnd().includes("\n")).toBe(false);
      const parsed = JSON.parse(line);
      expect(["debug", "info", "warn", "error"]).toContain(parsed.level);
      expect(new Date(parsed.time).toISOString()).toBe(parsed.time);
      expect(typeof parsed.msg).toBe("string");
    }
  });

  test("access log: one info line per API request with route pattern, raw path, status, execution and trace ids", async () => {
    const { served, lines } = withLogs("info");
    await fetch(`${served.url}/v1/functions`, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    const res = await fetch(
      `${served.url}/v1/functions/echo:invoke`,
      jsonRequest("POST", { input: 1 }, { traceparent: TRACEPARENT }),
    );
    const executionId = res.headers.get("x-execution-id");
    await fetch(`${served.url}/v1/functions/nope`);
    const access = lines().filter((l) => l.msg === "request");
    expect(access.map((l) => [l.method, l.path, l.uri, l.status])).toEqual([
      ["POST", "/v1/functions", "/v1/functions", 201],
      ["POST", "/v1/functions/echo:invoke", "/v1/functions/{name}:invoke", 200],
      ["GET", "/v1/functions/nope", "/v1/functions/{name}", 404],
    ]);
    expect(access[1]).toMatchObject({ level: "info", executionId, traceId: TRACE });
    expect(access[1]!.durationMs).toBeNumber();
  });

  test("probes and /metrics are never logged", async () => {
    const { served, raw } = withLogs("trace");
    for (const path of [
      "/actuator/health",
      "/actuator/health/liveness",
      "/actuator/health/readiness",
      "/livez",
      "/readyz",
      "/metrics",
      "/actuator/prometheus",
    ]) {
      await served.cp.management.request(path);
    }
    expect(raw).toEqual([]);
  });

  test("execution events carry executionId, function and traceId (X-Trace-Id derived from traceparent)", async () => {
    const { served, lines } = withLogs("debug");
    await fetch(`${served.url}/v1/functions`, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    const res = await fetch(
      `${served.url}/v1/functions/echo:invoke`,
      jsonRequest("POST", { input: 1 }, { traceparent: TRACEPARENT }),
    );
    const { executionId } = await res.json();
    const events = lines().filter((l) => l.executionId === executionId && l.msg !== "request");
    expect(events.map((l) => l.msg)).toEqual(["execution queued", "execution dispatched", "execution succeeded"]);
    for (const event of events)
      expect(event).toMatchObject({ level: "debug", function: "echo", traceId: TRACE, executionId });
  });

  test("a failed execution is a warn line with the error; retries are info", async () => {
    const { served, lines } = withLogs("info");
    await fetch(
      `${served.url}/v1/functions`,
      jsonRequest("POST", {
        name: "broken",
        executionMode: "POOL",
        endpointUrl: "http://127.0.0.1:9/invoke",
        maxRetries: 2,
        retryBackoff: { baseDelayMs: 0 },
      }),
    );
    const res = await fetch(
      `${served.url}/v1/functions/broken:invoke`,
      jsonRequest("POST", { input: 1 }, { "X-Trace-Id": "t-1" }),
    );
    const { executionId, status } = await res.json();
    expect(status).toBe("error");
    const events = lines().filter((l) => l.executionId === executionId && l.msg !== "request");
    expect(events.map((l) => [l.level, l.msg])).toEqual([
      ["info", "execution retry scheduled"],
      ["warn", "execution failed"],
    ]);
    expect(events[1]).toMatchObject({ function: "broken", traceId: "t-1", attempt: 2, error: { code: "POOL_ERROR" } });
  });

  test("the level filters: at warn there is no access log and no routine event", async () => {
    const { served, raw } = withLogs("warn");
    await fetch(`${served.url}/v1/functions`, jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    await fetch(`${served.url}/v1/functions/echo:invoke`, jsonRequest("POST", { input: 1 }));
    expect(raw).toEqual([]);
  });
});
