import { describe, expect, test } from "bun:test";
import type { NanofaasError } from "../../domain/errors";
import type { FunctionSpec } from "../../domain/function-spec";
import { resolveFunction } from "../../domain/resolved-function";
import type { ContainerInspect } from "./engine-client";
import {
  containerBaseUrl,
  containerEnv,
  containerName,
  containerSpec,
  parseCpu,
  parseMemory,
  type Placement,
} from "./container-spec";

const fn = (spec: Partial<FunctionSpec> = {}) =>
  resolveFunction(
    { name: "fx", image: "img:1", ...spec },
    { timeoutMs: 7000, concurrency: 1, queueSize: 1, maxRetries: 1 },
  );
const HOST: Placement = { kind: "host", hostIp: "127.0.0.1", callbackUrl: "http://host.docker.internal:8080/cb" };
const NET: Placement = { kind: "network", network: "nf", callbackUrl: "http://172.18.0.2:8080/cb" };

const inspect = (over: Partial<ContainerInspect["NetworkSettings"]>): ContainerInspect => ({
  Id: "x",
  Name: "/x",
  State: { Running: true, Status: "running", ExitCode: 0 },
  HostConfig: {},
  NetworkSettings: over,
});

describe("container spec", () => {
  test("names follow the reference's container-local backend", () => {
    expect(containerName("word-stats", 2)).toBe("nanofaas-word-stats-r2");
  });

  test("reference-style names get the derived DNS label, so WordStats and wordstats never share a container", () => {
    expect(containerName("WordStats", 0)).toMatch(/^nanofaas-wordstats-[0-9a-f]{8}-r0$/);
    expect(containerName("word_stats.v2", 1)).toMatch(/^nanofaas-word-stats-v2-[0-9a-f]{8}-r1$/);
    expect(containerName("WordStats", 0)).not.toBe(containerName("wordstats", 0));
  });

  test("env: the Kubernetes order, the port pinned to 8080, reserved names dropped from the function's env", () => {
    const env = containerEnv(fn({ env: { A: "1", WARM: "false", CALLBACK_URL: "x", WARM_PORT: "1" } }), "http://cb");
    expect(env).toEqual([
      "FUNCTION_NAME=fx",
      "WARM=true",
      "TIMEOUT_MS=7000",
      "EXECUTION_MODE=HTTP",
      "CALLBACK_URL=http://cb",
      "PORT=8080",
      "WARM_PORT=8080",
      "A=1",
    ]);
  });

  test("host placement publishes 8080 on a daemon-chosen loopback port and maps host.docker.internal", () => {
    const spec = containerSpec(fn(), 0, HOST);
    expect(spec.HostConfig).toEqual({
      RestartPolicy: { Name: "no" },
      PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      ExtraHosts: ["host.docker.internal:host-gateway"],
    });
    expect(spec.Entrypoint).toBeUndefined();
    expect(spec.Image).toBe("img:1");
  });

  test("network placement joins the network and publishes nothing; command replaces the entrypoint", () => {
    const spec = containerSpec(fn({ command: ["/fn", "--fast"] }), 1, NET);
    expect(spec.HostConfig).toEqual({ RestartPolicy: { Name: "no" }, NetworkMode: "nf" });
    expect(spec.Entrypoint).toEqual(["/fn", "--fast"]);
    expect(spec.Labels).toEqual({ app: "nanofaas", function: "fx", "nanofaas.replica": "1" });
  });

  test.each([
    ["1048576", 1048576],
    ["64Mi", 64 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["500M", 5e8],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["2k", 2000],
  ])("memory %s = %d bytes", (quantity, bytes) => expect(parseMemory(quantity)).toBe(bytes));

  test.each([
    ["500m", 5e8],
    ["2", 2e9],
    ["0.25", 2.5e8],
  ])("cpu %s = %d NanoCpus", (quantity, nano) => expect(parseCpu(quantity)).toBe(nano));

  /** The VALIDATION_ERROR's details, which name the field (the API shows them to the client). */
  const details = (parse: () => number) => {
    try {
      parse();
    } catch (error) {
      return { code: (error as NanofaasError).code, details: (error as NanofaasError).details };
    }
    return undefined;
  };

  test.each(["lots", "1ki", "-1Mi", ""])("memory %p is a validation error", (quantity) => {
    expect(details(() => parseMemory(quantity))).toEqual({
      code: "VALIDATION_ERROR",
      details: [
        `resources.memory: '${quantity}' is not a quantity the docker backend understands (e.g. 256Mi, 1Gi or 500M)`,
      ],
    });
  });

  test.each(["0", "1.5x", "m"])("cpu %p is a validation error", (quantity) => {
    expect(details(() => parseCpu(quantity))?.code).toBe("VALIDATION_ERROR");
  });

  test("base URL: the published loopback port (host), the network address (network), or none yet", () => {
    const ports = { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "32771" }] };
    expect(containerBaseUrl(inspect({ Ports: ports }), HOST)).toBe("http://127.0.0.1:32771");
    expect(containerBaseUrl(inspect({ Ports: {} }), HOST)).toBeUndefined();
    expect(containerBaseUrl(inspect({ Networks: { nf: { IPAddress: "172.18.0.5" } } }), NET)).toBe(
      "http://172.18.0.5:8080",
    );
    expect(containerBaseUrl(inspect({ Networks: { nf: { IPAddress: "fd00::5" } } }), NET)).toBe(
      "http://[fd00::5]:8080",
    );
    expect(containerBaseUrl(inspect({ Networks: { other: { IPAddress: "10.0.0.1" } } }), NET)).toBeUndefined();
  });
});
