/**
 * The control-plane image end to end, with testcontainers: the image `just image` builds runs
 * with the docker backend (socket mounted, non-root user with the socket's group) on a network
 * it shares with a word-stats container. It registers a POOL function pointing at that container
 * and DEPLOYMENT functions the backend runs as containers (two Bun examples and the watchdog
 * image with a STDIO filter), invokes them sync and async, scales, reads health and metrics, and
 * finally takes SIGTERM while work is in flight and must drain it, remove its containers and exit 0.
 * The image's default NANOFAAS_AUTH=apikey stays on: an admin key comes from a mounted keys file.
 */
import { describe, afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GenericContainer, Network, type StartedNetwork, type StartedTestContainer, Wait } from "testcontainers";
import { loadPayloads } from "../../examples/harness/payloads";
import {
  dockerApi,
  functionContainers,
  http as anonymousHttp,
  IMAGES,
  Lines,
  requireDocker,
  SOCKET,
  socketGroup,
  until,
} from "./support";

const ROMAN = "e2e-roman";
const UPPER = "e2e-upper";
const WORDS = "e2e-word-stats";
const DEPLOYED = [ROMAN, UPPER, "e2e-json"];

// The image's default auth mode (apikey) with a bootstrap key, as docs/security.md tells operators to run it.
const ADMIN_KEY = `nfk_${randomBytes(32).toString("base64url")}`;
const keysDir = mkdtempSync(join(tmpdir(), "nanofaas-e2e-keys-"));
const KEYS_FILE = join(keysDir, "api-keys.yaml");
const http: typeof anonymousHttp = (method, url, body) => anonymousHttp(method, url, body, ADMIN_KEY);

describe("control-plane image with the docker backend", () => {
  let network: StartedNetwork | undefined;
  let pod: StartedTestContainer | undefined;
  let cp: StartedTestContainer | undefined;
  let api = "";
  let management = "";
  const logs = new Lines();

  beforeAll(async () => {
    await requireDocker();
    writeFileSync(KEYS_FILE, `keys:\n  - name: e2e\n    key: ${ADMIN_KEY}\n    scopes: [admin]\n`);
    chmodSync(keysDir, 0o755);
    chmodSync(KEYS_FILE, 0o644); // read by the image's non-root user
    network = await new Network().start();
    pod = await new GenericContainer(IMAGES.wordStats)
      .withNetwork(network)
      .withNetworkAliases("word-stats")
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp("/health", 8080).forStatusCode(200))
      .start();
    const started = performance.now();
    cp = await new GenericContainer(IMAGES.controlPlane)
      .withNetwork(network)
      .withEnvironment({
        NANOFAAS_DEPLOYMENT_BACKEND: "docker",
        NANOFAAS_SHUTDOWN_GRACE_MS: "20000",
        NANOFAAS_API_KEYS_FILE: "/etc/nanofaas/api-keys.yaml",
      })
      .withBindMounts([
        { source: SOCKET, target: "/var/run/docker.sock" },
        { source: KEYS_FILE, target: "/etc/nanofaas/api-keys.yaml", mode: "ro" },
      ])
      .withUser(`65532:${socketGroup()}`)
      .withExposedPorts(8080, 8081)
      .withLogConsumer(logs.consume)
      .withWaitStrategy(Wait.forHttp("/readyz", 8081).forStatusCode(200))
      .withStartupTimeout(60_000)
      .start();
    console.log(
      `control plane container ready (testcontainers start → /readyz) in ${Math.round(performance.now() - started)} ms`,
    );
    api = `http://${cp.getHost()}:${cp.getMappedPort(8080)}`;
    management = `http://${cp.getHost()}:${cp.getMappedPort(8081)}`;
  }, 120_000);

  afterAll(async () => {
    rmSync(keysDir, { recursive: true, force: true });
    if (process.env.E2E_VERBOSE || logs.lines.length > 0)
      console.log(`control plane output (last lines):\n${logs.tail(30)}`);
    // The drain test proves the control plane removes its containers; after a failure, we do.
    for (const name of DEPLOYED) {
      for (const c of await functionContainers(name))
        await dockerApi("DELETE", `/containers/${c.Id}?force=true`).catch(() => undefined);
    }
    await cp?.stop({ timeout: 1 }).catch(() => undefined);
    await pod?.stop({ timeout: 1 }).catch(() => undefined);
    await network?.stop().catch(() => undefined);
  }, 60_000);

  test("health, readiness and version answer on the management port", async () => {
    for (const path of [
      "/readyz",
      "/livez",
      "/actuator/health",
      "/actuator/health/readiness",
      "/actuator/health/liveness",
    ]) {
      expect({ path, status: (await http("GET", `${management}${path}`)).status }).toEqual({ path, status: 200 });
    }
    expect((await http("GET", `${management}/readyz`)).body).toMatchObject({ status: "UP" });
    const metrics = (await http<string>("GET", `${management}/metrics`)).body;
    expect(metrics).toMatch(/nanofaas_build_info\{version="\d+\.\d+\.\d+\+[0-9a-f]{12}(-dirty)?"\} 1/);
  });

  test("the image requires a credential by default: no key → 401, the mounted admin key → 200", async () => {
    const anonymous = await anonymousHttp("GET", `${api}/v1/functions`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toStartWith("Bearer");
    expect((await http("GET", `${api}/v1/functions`)).status).toBe(200);
  });

  test("POOL: a word-stats container answers every example payload, sync", async () => {
    const registered = await http("POST", `${api}/v1/functions`, {
      name: WORDS,
      executionMode: "POOL",
      endpointUrl: "http://word-stats:8080/invoke",
    });
    expect(registered.status).toBe(201);
    for (const payload of loadPayloads("word-stats")) {
      const { status, body } = await http("POST", `${api}/v1/functions/${WORDS}:invoke`, { input: payload.input });
      expect({ file: payload.file, status, output: body.output }).toEqual({
        file: payload.file,
        status: 200,
        output: payload.expected,
      });
    }
  });

  test("POOL: an async invocation completes and is readable from the execution store", async () => {
    const payload = loadPayloads("word-stats")[0]!;
    const accepted = await http("POST", `${api}/v1/functions/${WORDS}:enqueue`, { input: payload.input });
    expect(accepted.status).toBe(202);
    const id = accepted.body.executionId as string;
    const done = await until(async () => {
      const { body } = await http("GET", `${api}/v1/executions/${id}`);
      return body.status === "success" || body.status === "error" ? body : undefined;
    }, "the async execution to finish");
    expect(done).toMatchObject({ executionId: id, status: "success", output: payload.expected });
  });

  test("DEPLOYMENT: the docker backend runs replicas as containers on the control plane's network", async () => {
    const registered = await http("POST", `${api}/v1/functions`, {
      name: ROMAN,
      image: IMAGES.romanNumeral,
      scalingConfig: { strategy: "NONE", minReplicas: 2, maxReplicas: 4 },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ deploymentBackend: "docker", effectiveExecutionMode: "DEPLOYMENT" });
    expect(registered.body.endpointUrl).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:8080\/invoke$/);
    const containers = await functionContainers(ROMAN);
    expect(containers.map((c) => c.Names[0]).sort()).toEqual([`/nanofaas-${ROMAN}-r0`, `/nanofaas-${ROMAN}-r1`]);
    const inspect = await dockerApi<{ NetworkSettings: { Networks: Record<string, unknown> } }>(
      "GET",
      `/containers/${containers[0]!.Id}/json`,
    );
    expect(Object.keys(inspect.NetworkSettings.Networks)).toEqual([network!.getName()]);
    // The first call may arrive before a replica is ready: it waits in the queue, it does not fail.
    for (const payload of loadPayloads("roman-numeral")) {
      const { status, body } = await http("POST", `${api}/v1/functions/${ROMAN}:invoke`, { input: payload.input });
      expect({ file: payload.file, status, output: body.output }).toEqual({
        file: payload.file,
        status: 200,
        output: payload.expected,
      });
    }
    const accepted = await http("POST", `${api}/v1/functions/${ROMAN}:enqueue`, { input: { number: 2024 } });
    const id = accepted.body.executionId as string;
    const done = await until(async () => {
      const { body } = await http("GET", `${api}/v1/executions/${id}`);
      return body.status === "success" ? body : undefined;
    }, "the async DEPLOYMENT execution");
    expect(done.output).toEqual({ roman: "MMXXIV" });
  }, 60_000);

  test("DEPLOYMENT: scaling adds and removes containers", async () => {
    const running = async () => (await functionContainers(ROMAN)).filter((c) => c.State === "running").length;
    expect((await http("PUT", `${api}/v1/functions/${ROMAN}/replicas`, { replicas: 3 })).status).toBe(200);
    expect(await running()).toBe(3);
    expect((await http("PUT", `${api}/v1/functions/${ROMAN}/replicas`, { replicas: 1 })).status).toBe(200);
    expect((await functionContainers(ROMAN)).map((c) => c.Names[0])).toEqual([`/nanofaas-${ROMAN}-r0`]);
    expect((await http("POST", `${api}/v1/functions/${ROMAN}:invoke`, { input: { number: 9 } })).body.output).toEqual({
      roman: "IX",
    });
  }, 60_000);

  test("DEPLOYMENT: the watchdog image runs a STDIO program per invocation; deleting removes its containers", async () => {
    for (const [name, image] of [
      [UPPER, IMAGES.slowUpper],
      ["e2e-json", IMAGES.jsonTransform],
    ] as const) {
      // The platform sets EXECUTION_MODE from runtimeMode (HTTP by default), as in Kubernetes.
      const runtimeMode = name === UPPER ? "STDIO" : "HTTP";
      expect((await http("POST", `${api}/v1/functions`, { name, image, runtimeMode, timeoutMs: 20_000 })).status).toBe(
        201,
      );
    }
    const { status, body } = await http("POST", `${api}/v1/functions/${UPPER}:invoke`, { input: { text: "scratch" } });
    expect(status).toBe(200);
    expect((body.output as { upper: string }).upper).toBe("SCRATCH");
    const payload = loadPayloads("json-transform")[0]!;
    expect((await http("POST", `${api}/v1/functions/e2e-json:invoke`, { input: payload.input })).body.output).toEqual(
      payload.expected,
    );
    expect((await http("DELETE", `${api}/v1/functions/e2e-json`)).status).toBe(204);
    expect(await functionContainers("e2e-json")).toEqual([]);
  }, 60_000);

  test("metrics count the invocations of every function", async () => {
    const metrics = (await http<string>("GET", `${management}/metrics`)).body;
    for (const name of [WORDS, ROMAN, UPPER]) {
      const dispatched = new RegExp(`^function_dispatch_total\\{[^}]*function="${name}"[^}]*\\} (\\d+)`, "m").exec(
        metrics,
      );
      expect({ name, dispatched: Number(dispatched?.[1] ?? 0) > 0 }).toEqual({ name, dispatched: true });
    }
    expect(metrics).toMatch(new RegExp(`^function_success_total\\{[^}]*function="${ROMAN}"[^}]*\\} \\d+`, "m"));
    expect(metrics).toMatch(new RegExp(`^function_latency_ms_seconds_bucket\\{[^}]*function="${WORDS}"`, "m"));
  });

  test("SIGTERM: readiness goes 503, in-flight work finishes, containers are removed, exit code 0", async () => {
    const id = cp!.getId();
    const slowSync = http("POST", `${api}/v1/functions/${UPPER}:invoke`, { input: { text: "drain", sleepMs: 3000 } });
    const queued = await http("POST", `${api}/v1/functions/${UPPER}:enqueue`, {
      input: { text: "later", sleepMs: 2000 },
    });
    expect(queued.status).toBe(202);
    await Bun.sleep(500);
    await dockerApi("POST", `/containers/${id}/kill?signal=SIGTERM`);
    const draining = await until(
      async () => {
        const r = await http("GET", `${management}/readyz`);
        return r.status === 503 ? r : undefined;
      },
      "readiness to report 503",
      5000,
    );
    expect(draining.status).toBe(503);
    const refused = await http("POST", `${api}/v1/functions/${ROMAN}:invoke`, { input: { number: 1 } });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 503, error: "SHUTTING_DOWN" });
    const finished = await slowSync;
    expect({ status: finished.status, output: (finished.body.output as { upper?: string })?.upper }).toEqual({
      status: 200,
      output: "DRAIN",
    });
    const state = await until(
      async () => {
        const inspect = await dockerApi<{ State: { Running: boolean; ExitCode: number } }>(
          "GET",
          `/containers/${id}/json`,
        );
        return inspect.State.Running ? undefined : inspect.State;
      },
      "the control plane to exit",
      30_000,
    );
    expect(state.ExitCode).toBe(0);
    const stopped = logs.json().find((line) => line.msg === "stopped" || line.event === "stopped");
    // Both the running sync call and the queued async one finished inside the grace.
    expect(stopped).toMatchObject({ drained: 2, failed: 0 });
    for (const name of DEPLOYED) expect({ name, left: await functionContainers(name) }).toEqual({ name, left: [] });
  }, 60_000);
});
