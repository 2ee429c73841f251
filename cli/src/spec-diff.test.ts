import { describe, expect, test } from "bun:test";
import type { FunctionResponse, FunctionSpec } from "../../openapi/client";
import { contains, specDifferences } from "./spec-diff";

/** What the server answers for `{name: "f", command: ["run"]}` in DEPLOYMENT mode. */
const remote: FunctionResponse = {
  name: "f",
  command: ["run"],
  env: {},
  timeoutMs: 30000,
  concurrency: 4,
  queueSize: 100,
  maxRetries: 3,
  endpointUrl: "http://127.0.0.1:40000/invoke",
  requestedExecutionMode: "DEPLOYMENT",
  effectiveExecutionMode: "DEPLOYMENT",
  deploymentBackend: "process",
  runtimeMode: "HTTP",
  scalingConfig: {
    strategy: "INTERNAL",
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [{ type: "queue_depth", target: "5", query: null }],
  },
  retryBackoff: { baseDelayMs: 100, maxDelayMs: 5000, jitter: 0.2 },
};
const base: FunctionSpec = { name: "f", command: ["run"] };

describe("specDifferences", () => {
  const cases: [string, Partial<FunctionSpec>, string[]][] = [
    ["defaults filled in by the server are not changes", {}, []],
    [
      "explicit values equal to the resolved ones",
      { executionMode: "DEPLOYMENT", runtimeMode: "HTTP", timeoutMs: 30000, concurrency: 4 },
      [],
    ],
    [
      "a partial scalingConfig the server completed",
      { scalingConfig: { maxReplicas: 10, metrics: [{ type: "queue_depth", target: "5" }] } },
      [],
    ],
    ["a partial retryBackoff", { retryBackoff: { jitter: 0.2 } }, []],
    ["a different defaulted field", { timeoutMs: 1000 }, ["timeoutMs"]],
    ["another execution mode", { executionMode: "POOL", endpointUrl: "http://x/" }, ["executionMode", "endpointUrl"]],
    ["a changed command", { command: ["run", "--fast"] }, ["command"]],
    ["an env var added", { env: { A: "1" } }, ["env"]],
    ["an image added", { image: "img:1" }, ["image"]],
    ["a scaling knob changed", { scalingConfig: { maxReplicas: 3 } }, ["scalingConfig"]],
    [
      "a metric list of another length",
      { scalingConfig: { metrics: [{ type: "queue_depth" }, { type: "rps" }] } },
      ["scalingConfig"],
    ],
    ["nulls count as absent", { image: null, timeoutMs: null, env: null }, []],
  ];
  for (const [what, change, expected] of cases) {
    test(what, () => expect(specDifferences({ ...base, ...change }, remote)).toEqual(expected));
  }

  test("removing what the server keeps verbatim is a change (env, image)", () => {
    const withEnv = { ...remote, env: { A: "1" }, image: "img" };
    expect(specDifferences(base, withEnv)).toEqual(["env", "image"]);
  });
});

describe("contains", () => {
  test.each([
    [{ a: 1, b: 2 }, { a: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: { b: 1, c: 2 } }, { a: { b: 1 } }, true],
    [[{ a: 1, b: 2 }], [{ a: 1 }], true],
    [[1, 2], [1], false],
    [null, { a: 1 }, false],
    [{ a: 1 }, null, true],
  ])("%j contains %j → %p", (actual, wanted, expected) => {
    expect(contains(actual, wanted)).toBe(expected);
  });
});
