/**
 * The spec a mirror writes (specOf): every FunctionSpec field the registered function carries,
 * so registering the mirror's spec again resolves the same function. The fixtures set every
 * mirrored field of the spec schema; a field added to FunctionSpec fails the coverage test until a
 * fixture sets it, and then the round trip checks that the mirror carries it.
 */
import { describe, expect, test } from "bun:test";
import { FunctionSpec } from "../domain/function-spec";
import { resolveFunction } from "../domain/resolved-function";
import { NOT_MIRRORED, specOf } from "./mirror";

const defaults = { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 };
const resolve = (spec: object) => resolveFunction(FunctionSpec.parse(spec), defaults);

const common = {
  image: "example/full:1",
  command: ["bun", "handler.ts"],
  env: { MODE: "full" },
  resources: { cpu: "250m", memory: "128Mi" },
  timeoutMs: 5000,
  concurrency: 3,
  queueSize: 50,
  maxRetries: 4,
  runtimeMode: "HTTP",
  runtimeCommand: "bun run serve",
  imagePullSecrets: ["regcred"],
  rateLimitPerSecond: 20,
  retryBackoff: { baseDelayMs: 50, maxDelayMs: 800, jitter: 0.1 },
  retryOn: ["timeout", "5xx"],
  circuitBreaker: { failureThreshold: 7, windowMs: 20_000 },
  eventSources: [
    {
      type: "nats",
      urlFromEnv: "NANOFAAS_SOURCE_NATS_URL",
      stream: "orders",
      subject: "orders.created",
      durable: "full",
    },
    { type: "rabbitmq", url: "amqp://broker:5672", queue: "jobs", prefetch: 2 },
  ],
  chain: { next: "after-full", onError: "next" },
  schedules: [{ id: "nightly", cron: "0 3 * * *", timezone: "Europe/Berlin", input: { a: 1 }, overlap: "queue" }],
  schedule: "*/5 * * * *",
};
const fixtures = {
  deployment: {
    name: "full",
    ...common,
    executionMode: "DEPLOYMENT",
    scalingConfig: { strategy: "HPA", minReplicas: 1, maxReplicas: 4 },
  },
  // POOL keeps scalingConfig as given (resolved only for DEPLOYMENT).
  pool: {
    name: "pooled",
    ...common,
    executionMode: "POOL",
    endpointUrl: "http://pool.internal:8080/invoke",
    scalingConfig: { strategy: "NONE" },
  },
};

describe("specOf (the spec of a mirrored Function resource)", () => {
  test("the fixtures set every field of the spec schema", () => {
    const set = new Set(Object.values(fixtures).flatMap((f) => Object.keys(f)));
    expect(Object.keys(FunctionSpec.shape).filter((key) => !set.has(key))).toEqual([]);
  });

  test.each(Object.entries(fixtures))("%s: registering the mirror's spec resolves the same function", (_, spec) => {
    const fn = resolve(spec);
    const mirrored = specOf(fn);
    expect(FunctionSpec.safeParse({ name: fn.name, ...mirrored }).success).toBe(true);
    expect(resolve({ name: fn.name, ...mirrored })).toEqual(fn);
  });

  test("carries retryOn, circuitBreaker, schedules (the single schedule folded in), eventSources and chain", () => {
    const spec = specOf(resolve(fixtures.deployment)) as Record<string, unknown>;
    expect(spec.retryOn).toEqual(["timeout", "5xx"]);
    expect(spec.circuitBreaker).toMatchObject({ failureThreshold: 7, windowMs: 20_000 });
    expect((spec.schedules as { id: string }[]).map((s) => s.id).sort()).toEqual(["default", "nightly"]);
    expect(spec.schedule).toBeUndefined();
    expect(spec.eventSources).toEqual(fixtures.deployment.eventSources);
    expect(spec.chain).toEqual({ next: "after-full", passOutput: true, onError: "next" });
    expect(spec.scalingConfig).toMatchObject({ strategy: "HPA", minReplicas: 1, maxReplicas: 4 });
    expect(spec.executionMode).toBe("DEPLOYMENT");
    expect(spec.endpointUrl).toBeUndefined();
  });

  test("only the fields of NOT_MIRRORED are left out, and they are spec fields", () => {
    const spec = specOf(resolve(fixtures.pool));
    const shape = Object.keys(FunctionSpec.shape);
    for (const key of Object.keys(NOT_MIRRORED)) expect(shape).toContain(key);
    expect(shape.filter((key) => !(key in spec)).sort()).toEqual(Object.keys(NOT_MIRRORED).sort());
  });

  test("a broker URL's credentials are redacted, as GET shows them: Function resources are widely readable", () => {
    const fn = resolve({
      name: "secretive",
      image: "example/s:1",
      eventSources: [{ type: "rabbitmq", url: "amqp://app:s3cret@broker:5672/vh", queue: "jobs" }],
    });
    const spec = specOf(fn) as { eventSources: { url: string }[] };
    expect(spec.eventSources[0]?.url).toBe("amqp://***:***@broker:5672/vh");
    expect(JSON.stringify(spec)).not.toContain("s3cret");
    expect(fn.eventSources?.[0]).toMatchObject({ url: "amqp://app:s3cret@broker:5672/vh" }); // the function keeps it
  });

  test("empty command and env and a provisioned (non-POOL) endpoint are not written", () => {
    const fn = { ...resolve({ name: "bare", image: "example/b:1" }), endpointUrl: "http://fn-bare.fns.svc:8080" };
    const spec = specOf(fn) as Record<string, unknown>;
    expect(spec.command).toBeUndefined();
    expect(spec.env).toBeUndefined();
    expect(spec.endpointUrl).toBeUndefined();
    expect(spec.image).toBe("example/b:1");
  });
});
