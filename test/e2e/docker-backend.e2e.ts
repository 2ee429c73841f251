/**
 * The docker backend in this process against the real Docker engine: the placement for a control
 * plane that runs on the Docker host (replicas publish 8080 on random loopback ports). Replicas,
 * round-robin, a killed container replaced, scaling, resources, every way a container can fail to
 * come up, and close() leaving no container behind.
 */
import { describe, afterAll, afterEach, beforeAll, expect, test } from "bun:test";
import { resolve } from "node:path";
import { loadConfig } from "../../src/config/config";
import { createDockerDeployer, type DockerDeployer } from "../../src/deploy/docker/docker-deployer";
import type { NanofaasError } from "../../src/domain/errors";
import type { FunctionSpec } from "../../src/domain/function-spec";
import { resolveFunction } from "../../src/domain/resolved-function";
import { dockerApi, functionContainers, http, IMAGES, requireDocker, until } from "./support";

/** A port nobody listens on right now (the OS picks it; we release it at once). */
function freePort(): number {
  const server = Bun.listen({ hostname: "0.0.0.0", port: 0, socket: { data() {} } });
  const { port } = server;
  server.stop(true);
  return port;
}

const NAMES = ["e2e-host-cp", "e2e-host-roman", "e2e-host-sulky", "e2e-host-nocmd", "e2e-host-ghost", "e2e-host-small"];
let deployer: DockerDeployer | undefined;
let lines: string[] = [];

function start(readinessTimeoutMs = 20_000): DockerDeployer {
  lines = [];
  deployer = createDockerDeployer(loadConfig({ NANOFAAS_READINESS_TIMEOUT_MS: String(readinessTimeoutMs) }), {
    output: (line) => {
      lines.push(line);
      if (process.env.E2E_VERBOSE) process.stderr.write(`  | ${line}\n`);
    },
    timing: { stopGraceMs: 1000, backoff: { baseMs: 100, maxMs: 1000 } },
  });
  return deployer;
}

const fn = (name: string, spec: Partial<FunctionSpec>) =>
  resolveFunction({ name, ...spec }, { timeoutMs: 5000, concurrency: 4, queueSize: 10, maxRetries: 1 });

async function invoke(endpoint: string, number: number): Promise<unknown> {
  const response = await fetch(endpoint, {
    method: "POST",
    body: JSON.stringify({ input: { number } }),
    headers: { "x-execution-id": `e2e-${number}` },
  });
  return response.json();
}

describe("docker backend on the Docker host (real engine)", () => {
  beforeAll(requireDocker);

  afterEach(async () => {
    await deployer?.close();
    deployer = undefined;
    for (const name of NAMES) expect({ name, left: await functionContainers(name) }).toEqual({ name, left: [] });
  });

  afterAll(async () => {
    for (const name of NAMES) {
      for (const c of await functionContainers(name))
        await dockerApi("DELETE", `/containers/${c.Id}?force=true`).catch(() => undefined);
    }
  });

  test("replicas publish on loopback, answer in turn, a killed one is replaced, scaling follows", async () => {
    const d = start();
    const name = "e2e-host-roman";
    const { endpointUrl } = await d.provision(
      fn(name, { image: IMAGES.romanNumeral, scalingConfig: { minReplicas: 2, maxReplicas: 3 } }),
    );
    expect(endpointUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invoke$/);
    expect(d.placement()).toMatchObject({ kind: "host", hostIp: "127.0.0.1" });
    await until(() => d.readyReplicas(name) === 2, "two ready replicas");
    const endpoints = [d.pickEndpoint(name)!, d.pickEndpoint(name)!];
    expect(new Set(endpoints).size).toBe(2);
    for (const [i, endpoint] of endpoints.entries())
      expect(await invoke(endpoint, 4 + i)).toEqual({ roman: i === 0 ? "IV" : "V" });

    const [victim] = d.containerIds(name);
    await dockerApi("POST", `/containers/${victim}/kill`);
    await until(() => d.readyReplicas(name) === 1, "the killed replica to leave rotation", 5000);
    await until(() => d.readyReplicas(name) === 2, "its replacement");
    expect(d.containerIds(name)[0]).not.toBe(victim);
    expect(d.replicaStarts(name)).toEqual([2, 1]);

    await d.setReplicas(name, 3);
    await until(() => d.readyReplicas(name) === 3, "three ready");
    await d.setReplicas(name, 1);
    expect((await functionContainers(name)).map((c) => c.Names[0])).toEqual([`/nanofaas-${name}-r0`]);
    expect(await invoke(d.pickEndpoint(name)!, 3999)).toEqual({ roman: "MMMCMXCIX" });
  }, 60_000);

  test("the compiled control plane on the host: replicas' callbacks reach it through host.docker.internal", async () => {
    const [port, management] = [freePort(), freePort()];
    const cp = Bun.spawn([resolve(import.meta.dir, "../../dist/nanofaas")], {
      // Callbacks come from the containers through the bridge gateway, so the API listens beyond
      // loopback here (the default bind is 127.0.0.1: docs/docker.md).
      env: {
        ...process.env,
        NANOFAAS_DEPLOYMENT_BACKEND: "docker",
        // No state store on disk: the default would create ./.nanofaas in the repository.
        NANOFAAS_STORE: "memory",
        NANOFAAS_BIND_HOST: "0.0.0.0",
        // Beyond loopback without keys: an explicit opt-in (docs/security.md).
        NANOFAAS_AUTH_ALLOW_ANONYMOUS: "true",
        SERVER_PORT: String(port),
        MANAGEMENT_SERVER_PORT: String(management),
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const api = `http://127.0.0.1:${port}`;
    let out = "";
    const collecting = (async () => {
      const reader = cp.stdout.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        out += new TextDecoder().decode(chunk.value);
    })();
    try {
      await until(
        async () => (await http("GET", `http://127.0.0.1:${management}/readyz`)).status === 200,
        "the control plane",
      );
      expect(
        (await http("POST", `${api}/v1/functions`, { name: "e2e-host-cp", image: IMAGES.romanNumeral })).status,
      ).toBe(201);
      const invoked = await http("POST", `${api}/v1/functions/e2e-host-cp:invoke`, { input: { number: 12 } });
      expect(invoked.body).toMatchObject({ status: "success", output: { roman: "XII" } });
      // The runtime also posts its result to CALLBACK_URL, right after answering.
      await until(
        () => /"path":"\/v1\/internal\/executions\/[^"]+:complete".*"status":204/.test(out),
        "the runtime's callback",
        5000,
      );
    } finally {
      cp.kill("SIGTERM");
    }
    expect(await cp.exited).toBe(0);
    await collecting;
    expect(out).toContain("callbacks to http://host.docker.internal:"); // the backend logs through the one logger (stdout)
  }, 60_000);

  test("resources become the container's memory and CPU limits", async () => {
    const d = start();
    await d.provision(
      fn("e2e-host-small", { image: IMAGES.romanNumeral, resources: { memory: "128Mi", cpu: "500m" } }),
    );
    const [id] = d.containerIds("e2e-host-small");
    const inspect = await dockerApi<{ HostConfig: { Memory: number; NanoCpus: number } }>(
      "GET",
      `/containers/${id}/json`,
    );
    expect(inspect.HostConfig).toMatchObject({ Memory: 128 * 2 ** 20, NanoCpus: 500_000_000 });
    await until(() => d.readyReplicas("e2e-host-small") === 1, "ready under limits");
  }, 30_000);

  test("a container that never becomes healthy is replaced after the budget, its output forwarded", async () => {
    const d = start(1500);
    // The STDIO filter run as an HTTP server (runtimeMode HTTP): the watchdog never gets healthy.
    await d.provision(fn("e2e-host-sulky", { image: IMAGES.slowUpper, runtimeMode: "HTTP" }));
    await until(() => d.replicaStarts("e2e-host-sulky")[0]! >= 2, "a replacement", 15_000);
    expect(d.readyReplicas("e2e-host-sulky")).toBe(0);
    expect(lines.some((l) => l.includes("not ready within 1500 ms"))).toBe(true);
    expect(lines.some((l) => l.startsWith("[fn/e2e-host-sulky#0] {"))).toBe(true);
  }, 30_000);

  test("a command missing from the image fails the registration with Docker's message", async () => {
    const d = start();
    const error = (await d
      .provision(fn("e2e-host-nocmd", { image: IMAGES.romanNumeral, command: ["/no/such/binary"] }))
      .catch((e) => e)) as NanofaasError;
    expect(error.code).toBe("BACKEND_ERROR");
    expect(error.message).toContain("/no/such/binary");
  }, 30_000);

  test("an image that is neither local nor pullable fails the registration", async () => {
    const d = start();
    const error = (await d
      .provision(fn("e2e-host-ghost", { image: "nanofaas/e2e-no-such-image:0" }))
      .catch((e) => e)) as NanofaasError;
    expect(error.code).toBe("BACKEND_ERROR");
    expect(error.message).toContain("nanofaas/e2e-no-such-image");
    expect(lines.some((l) => l.includes("is not on this Docker host; pulling it"))).toBe(true);
  }, 60_000);
});
