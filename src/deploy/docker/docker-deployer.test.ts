/**
 * The docker backend against a fake Docker Engine (fixtures/fake-engine.ts): replicas, readiness,
 * round-robin, scaling, replacement after a death or a failed readiness, image pulls, every
 * Docker error path, and cleanup. Real-Docker runs of the same behaviour live in test/e2e.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { loadConfig } from "../../config/config";
import { NanofaasError } from "../../domain/errors";
import type { FunctionSpec } from "../../domain/function-spec";
import { resolveFunction } from "../../domain/resolved-function";
import { createDockerDeployer, type DockerDeployer } from "./docker-deployer";
import { createEngineClient } from "./engine-client";
import { FakeEngine, type FakeEngineOptions } from "./fixtures/fake-engine";
import { until as untilCondition } from "../../../test/support/until";

const IMAGE = "nanofaas/echo:latest";
let engine: FakeEngine | undefined;
let deployer: DockerDeployer | undefined;
let lines: string[] = [];

async function start(options: FakeEngineOptions = {}, env: Record<string, string> = {}, healthIntervalMs = 60_000) {
  engine = await new FakeEngine({ images: [IMAGE], ...options }).start();
  lines = [];
  const config = loadConfig({ NANOFAAS_READINESS_TIMEOUT_MS: "400", ...env });
  deployer = createDockerDeployer(config, {
    engine: createEngineClient(engine.socketPath),
    self: { candidates: ["not-a-container"] },
    output: (line) => lines.push(line),
    // Probes once ready are rare here, so a quick reaction to a death can only come from events.
    timing: { probeIntervalMs: 20, healthIntervalMs, stopGraceMs: 1000, backoff: { baseMs: 20, maxMs: 100 } },
  });
  return { engine, deployer };
}

const fn = (name: string, spec: Partial<FunctionSpec> = {}) =>
  resolveFunction({ name, image: IMAGE, ...spec }, { timeoutMs: 5000, concurrency: 2, queueSize: 10, maxRetries: 1 });

/** Waits for `condition`; a timeout shows what the deployer logged meanwhile. */
const until = (condition: () => boolean, what: string, timeoutMs = 5000) =>
  untilCondition(condition, what, { timeoutMs, detail: () => lines.join("\n") });

async function invoke(endpoint: string): Promise<string> {
  const response = await fetch(endpoint, { method: "POST", body: JSON.stringify({ input: 1 }) });
  return ((await response.json()) as { container: string }).container;
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "resolved",
    (error: NanofaasError) => error.code,
  );

afterEach(async () => {
  await deployer?.close();
  await engine?.close();
  deployer = undefined;
  engine = undefined;
});

describe("docker backend (fake engine)", () => {
  test("minReplicas 2: two containers become ready and take invocations in turn", async () => {
    const { engine, deployer } = await start();
    const events: number[] = [];
    deployer.onReadyChange((_, ready) => events.push(ready));
    const { endpointUrl } = await deployer.provision(fn("pair", { scalingConfig: { minReplicas: 2, maxReplicas: 4 } }));
    expect(endpointUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoke$/);
    expect([...engine.containers.values()].map((c) => c.name).sort()).toEqual(["nanofaas-pair-r0", "nanofaas-pair-r1"]);
    await until(() => deployer.readyReplicas("pair") === 2, "two ready replicas");
    expect(events).toEqual([1, 2]);
    const answeredBy: string[] = [];
    for (let i = 0; i < 4; i++) answeredBy.push(await invoke(deployer.pickEndpoint("pair")!));
    const [a, b] = answeredBy as [string, string];
    expect(a).not.toBe(b);
    expect(answeredBy).toEqual([a, b, a, b]);
  });

  test("the container gets the platform env, the function's env minus reserved names, labels and limits", async () => {
    const { engine, deployer } = await start({}, { NANOFAAS_CALLBACK_URL: "http://cp:8080/v1/internal/executions" });
    await deployer.provision(
      fn("conf", {
        env: { GREETING: "hi", PORT: "9999" },
        runtimeMode: "STDIO",
        runtimeCommand: "/bin/f",
        resources: { memory: "64Mi", cpu: "500m" },
      }),
    );
    const body = engine.byName("nanofaas-conf-r0")!.body;
    expect(body.Env).toEqual([
      "FUNCTION_NAME=conf",
      "WARM=true",
      "TIMEOUT_MS=5000",
      "EXECUTION_MODE=STDIO",
      "WATCHDOG_CMD=/bin/f",
      "CALLBACK_URL=http://cp:8080/v1/internal/executions",
      "PORT=8080",
      "WARM_PORT=8080",
      "GREETING=hi",
    ]);
    expect(body.Labels).toEqual({ app: "nanofaas", function: "conf", "nanofaas.replica": "0" });
    expect(body.HostConfig).toMatchObject({
      Memory: 64 * 2 ** 20,
      NanoCpus: 500_000_000,
      RestartPolicy: { Name: "no" },
    });
  });

  test("setReplicas scales up, then down by removing the newest containers", async () => {
    const { engine, deployer } = await start();
    await deployer.provision(fn("elastic"));
    await deployer.setReplicas("elastic", 3);
    await until(() => deployer.readyReplicas("elastic") === 3, "three ready");
    const [oldest] = deployer.containerIds("elastic");
    await deployer.setReplicas("elastic", 1);
    expect(deployer.readyReplicas("elastic")).toBe(1);
    expect([...engine.containers.values()].map((c) => c.id)).toEqual([oldest!]);
    await deployer.setReplicas("elastic", 0);
    expect(deployer.pickEndpoint("elastic")).toBeUndefined();
    expect(engine.containers.size).toBe(0);
  });

  test("a container that dies leaves rotation at once (die event) and is replaced", async () => {
    const { engine, deployer } = await start();
    await deployer.provision(fn("phoenix", { scalingConfig: { minReplicas: 2, maxReplicas: 2 } }));
    await until(() => deployer.readyReplicas("phoenix") === 2, "two ready");
    const [victim, bystander] = deployer.containerIds("phoenix");
    engine.kill(engine.find(victim!)!);
    // Health probes run once a minute here: only the event can explain a dip this fast.
    await until(() => deployer.readyReplicas("phoenix") === 1, "the dip", 1000);
    await until(() => deployer.readyReplicas("phoenix") === 2, "the replacement");
    const [replacement, same] = deployer.containerIds("phoenix");
    expect(replacement).not.toBe(victim);
    expect(same).toBe(bystander);
    expect(deployer.replicaStarts("phoenix")).toEqual([2, 1]);
    expect(engine.find(victim!)).toBeUndefined();
    expect(lines.some((l) => l.includes("container exited with code 137; replacing it in"))).toBe(true);
  });

  test("a container that never answers /health is replaced after the readiness budget, its output logged", async () => {
    const { engine, deployer } = await start({ health: () => 503 });
    await deployer.provision(fn("sulky"));
    await until(() => deployer.replicaStarts("sulky")[0]! >= 2, "a replacement", 3000);
    expect(deployer.readyReplicas("sulky")).toBe(0);
    expect(lines.some((l) => /not ready within 400 ms \(last probe: GET \/health answered 503\)/.test(l))).toBe(true);
    expect(lines).toContain("[fn/sulky#0] nanofaas-sulky-r0 is failing");
    expect(engine.containers.size).toBe(1);
  });

  test("one failed health probe keeps a ready container in rotation (the shared policy: three in a row)", async () => {
    let probes = 0;
    const { deployer } = await start({ health: () => (++probes === 3 ? 503 : 200) }, {}, 20);
    const readyCounts: number[] = [];
    deployer.onReadyChange((_, ready) => readyCounts.push(ready));
    await deployer.provision(fn("steady"));
    await until(() => probes >= 6, "probes after the failed one");
    expect(readyCounts).toEqual([1]);
    expect(lines.filter((l) => l.includes("health check failed"))).toEqual([]);
  });

  test("a crash-looping container is replaced with growing backoff and never handed out", async () => {
    const { deployer } = await start({ crashOnStart: true });
    await deployer.provision(fn("crashy"));
    await until(() => deployer.replicaStarts("crashy")[0]! >= 4, "four starts");
    expect(deployer.pickEndpoint("crashy")).toBeUndefined();
    const delays = lines.filter((l) => l.includes("replacing it in")).map((l) => Number(/in (\d+) ms/.exec(l)![1]));
    expect(delays.slice(0, 3)).toEqual([20, 40, 80]);
  });

  test("an image missing locally is pulled, then run", async () => {
    const { engine, deployer } = await start({ images: [], pullable: ["example/pulled:1.0"] });
    await deployer.provision(fn("pulled", { image: "example/pulled:1.0" }));
    await until(() => deployer.readyReplicas("pulled") === 1, "ready after the pull");
    expect(engine.requests.filter((r) => r.startsWith("POST /images/create"))).toHaveLength(1);
  });

  test("an image that cannot be pulled fails the registration with Docker's message and leaves nothing", async () => {
    const { engine, deployer } = await start({ images: [] });
    const error = await deployer.provision(fn("ghost", { image: "example/ghost" })).catch((e: NanofaasError) => e);
    expect(error).toBeInstanceOf(NanofaasError);
    expect((error as NanofaasError).code).toBe("BACKEND_ERROR");
    expect((error as NanofaasError).message).toContain("pull access denied for example/ghost");
    expect(engine.containers.size).toBe(0);
    expect(deployer.readyReplicas("ghost")).toBe(0);
  });

  test("a start failure fails the registration and removes the created container", async () => {
    const { engine, deployer } = await start({ startError: "driver failed programming external connectivity" });
    const error = await deployer.provision(fn("stuck")).catch((e: NanofaasError) => e);
    expect((error as NanofaasError).code).toBe("BACKEND_ERROR");
    expect((error as NanofaasError).message).toContain("driver failed programming external connectivity");
    expect(engine.containers.size).toBe(0);
  });

  test("a leftover container with the replica's name is removed before the create", async () => {
    const { engine, deployer } = await start();
    engine.containers.set("f".repeat(64), {
      id: "f".repeat(64),
      name: "nanofaas-reborn-r0",
      body: { Image: IMAGE, Env: [], Labels: {}, HostConfig: {} },
      running: false,
      exitCode: 0,
      output: [],
      followers: new Set(),
    });
    await deployer.provision(fn("reborn"));
    expect(engine.find("f".repeat(64))).toBeUndefined();
    expect(engine.byName("nanofaas-reborn-r0")).toBeDefined();
  });

  test("an unreachable engine is a 503 naming the socket", async () => {
    const config = loadConfig({ NANOFAAS_DOCKER_SOCKET: "/nonexistent/docker.sock" });
    deployer = createDockerDeployer(config, { self: { candidates: ["x"] }, output: () => {} });
    const error = await deployer.provision(fn("nowhere")).catch((e: NanofaasError) => e);
    expect((error as NanofaasError).code).toBe("BACKEND_UNAVAILABLE");
    expect((error as NanofaasError).message).toContain("cannot reach the Docker Engine at /nonexistent/docker.sock");
  });

  test("no image, or resources Docker cannot express, are refused before anything is created", async () => {
    const { engine, deployer } = await start();
    const imageless = resolveFunction(
      { name: "cmd", command: ["./run"] },
      { timeoutMs: 1, concurrency: 1, queueSize: 1, maxRetries: 1 },
    );
    expect(deployer.unsupportedReason!(imageless)?.reason).toContain("has none");
    expect(deployer.unsupportedReason!(fn("ok"))).toBeUndefined();
    expect(await codeOf(deployer.provision(fn("greedy", { resources: { memory: "lots" } })))).toBe("VALIDATION_ERROR");
    expect(engine.requests.some((r) => r.startsWith("POST /containers/create"))).toBe(false);
  });

  test("re-provisioning replaces the containers; deprovision and close remove everything", async () => {
    const { engine, deployer } = await start();
    await deployer.provision(fn("again"));
    const [first] = deployer.containerIds("again");
    await deployer.provision(fn("again", { env: { V: "2" } }));
    expect(engine.find(first!)).toBeUndefined();
    expect(engine.byName("nanofaas-again-r0")!.body.Env).toContain("V=2");
    await deployer.provision(fn("other"));
    await deployer.deprovision("again");
    expect([...engine.containers.values()].map((c) => c.name)).toEqual(["nanofaas-other-r0"]);
    await deployer.close();
    expect(engine.containers.size).toBe(0);
    expect(await codeOf(deployer.provision(fn("late")))).toBe("BACKEND_UNAVAILABLE");
    expect(await codeOf(deployer.setReplicas("unknown", 1))).toBe("NOT_FOUND");
  });

  test("logs: every container's stdout and stderr, demultiplexed, by replica index, live, through replacements", async () => {
    const { engine, deployer } = await start();
    await deployer.provision(fn("talky", { scalingConfig: { minReplicas: 2, maxReplicas: 2 } }));
    await until(() => deployer.readyReplicas("talky") === 2, "two ready replicas");
    const read = async (query = {}) =>
      (await deployer.logs.read("talky", query)).map((l) => `${l.replica} ${l.stream} ${l.message}`);
    await untilCondition(async () => (await read()).length === 4, "the start-up lines of both containers");
    expect((await read()).sort()).toEqual([
      "0 stderr nanofaas-talky-r0 is failing",
      "0 stdout nanofaas-talky-r0 says hello",
      "1 stderr nanofaas-talky-r1 is failing",
      "1 stdout nanofaas-talky-r1 says hello",
    ]);
    // Followed, filtered by execution: an invocation's tagged line arrives while the container runs.
    const seen: string[] = [];
    const stop = new AbortController();
    const following = deployer.logs.follow("talky", { executionId: "e-7" }, (l) => seen.push(l.message), stop.signal);
    const r1 = engine.byName("nanofaas-talky-r1")!;
    await fetch(`http://127.0.0.1:${r1.pod!.port}/invoke`, {
      method: "POST",
      headers: { "x-execution-id": "e-7" },
      body: JSON.stringify({ input: 7 }),
    });
    // A line cut across frames (and chunks) is one line.
    engine.print(r1, "stdout", "[exec e-7] part one, ");
    engine.print(r1, "stdout", "part two\n");
    await untilCondition(() => seen.length === 2, "the execution's lines, followed");
    stop.abort();
    await following;
    expect(seen).toEqual(["invoked with 7", "part one, part two"]);
    expect((await deployer.logs.read("talky", { executionId: "e-7", replica: "1" })).map((l) => l.stream)).toEqual([
      "stdout",
      "stdout",
    ]);
    // A replacement container's output joins its replica's lines.
    engine.kill(engine.byName("nanofaas-talky-r0")!);
    await until(() => deployer.replicaStarts("talky")[0] === 2, "a replacement");
    await untilCondition(
      async () => (await read({ replica: "0" })).filter((l) => l.endsWith("says hello")).length === 2,
      "the replacement's start-up line",
    );
    await deployer.deprovision("talky");
    expect(await deployer.logs.read("talky", {})).toEqual([]);
  });
});
