/**
 * @module
 * What a docker-backend replica is: the `POST /containers/create` body and how to reach it, as
 * pure functions of the function, the replica index and the placement. The env and labels follow
 * the Kubernetes backend (reference control-plane.md §6.2) so that one image behaves the same on
 * both; `command` replaces the image's entrypoint, as `command` does in a Kubernetes pod.
 */
import { NanofaasError } from "../../domain/errors";
import { resourceName } from "../../domain/object-name";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { ContainerInspect } from "./engine-client";

/** The port every function container listens on (SPEC §2: 8080). */
export const CONTAINER_PORT = 8080;
const PORT_KEY = `${CONTAINER_PORT}/tcp`;

/** Names the platform sets; a function's `env` cannot override them (reference §6.2). */
export const RESERVED_ENV = [
  "FUNCTION_NAME",
  "WARM",
  "TIMEOUT_MS",
  "EXECUTION_MODE",
  "WATCHDOG_CMD",
  "CALLBACK_URL",
  "PORT",
  "WARM_PORT",
];

/** Labels on every container we create; `function` and `app` match the Kubernetes objects. */
export const LABEL_APP = "app";
export const LABEL_FUNCTION = "function";
export const LABEL_REPLICA = "nanofaas.replica";

/**
 * Where replicas run and how the control plane reaches them (docs/docker.md, "Networking"):
 * - `host`: the control plane runs on the Docker host; each replica publishes 8080 on a random
 *   port of `hostIp` (loopback) and calls back through `host.docker.internal`.
 * - `network`: the control plane runs in a container; replicas join its network and are reached
 *   at their own address on it, port 8080 — nothing is published on the host.
 */
export type Placement =
  | { kind: "host"; hostIp: string; callbackUrl: string }
  | { kind: "network"; network: string; callbackUrl: string };

export function containerName(functionName: string, index: number): string {
  // The derived DNS label (issue 15.3): `WordStats` and `wordstats` must not share containers.
  return `nanofaas-${resourceName(functionName)}-r${index}`;
}

export function containerEnv(fn: ResolvedFunction, callbackUrl: string): string[] {
  const env: [string, string][] = [
    ["FUNCTION_NAME", fn.name],
    ["WARM", "true"],
    ["TIMEOUT_MS", String(fn.timeoutMs)],
    ["EXECUTION_MODE", fn.runtimeMode],
  ];
  if (fn.runtimeCommand?.trim()) env.push(["WATCHDOG_CMD", fn.runtimeCommand]);
  env.push(["CALLBACK_URL", callbackUrl], ["PORT", String(CONTAINER_PORT)], ["WARM_PORT", String(CONTAINER_PORT)]);
  for (const [key, value] of Object.entries(fn.env)) if (!RESERVED_ENV.includes(key)) env.push([key, value]);
  return env.map(([key, value]) => `${key}=${value}`);
}

const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes memory quantity (`256Mi`, `1G`, `1048576`) in bytes. */
export function parseMemory(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKMGTPE]i?)?$/.exec(quantity.trim());
  const unit = MEMORY_UNITS[match?.[2] ?? ""];
  if (!match || unit === undefined) throw badQuantity("memory", quantity, "256Mi, 1Gi or 500M");
  return Math.round(Number(match[1]) * unit);
}

/** A Kubernetes CPU quantity (`500m`, `2`, `0.25`) in Docker's NanoCpus (1e9 per CPU). */
export function parseCpu(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity.trim());
  if (!match || Number(match[1]) === 0) throw badQuantity("cpu", quantity, "500m or 2");
  return Math.round(Number(match[1]) * (match[2] ? 1e6 : 1e9));
}

function badQuantity(field: string, quantity: string, examples: string): NanofaasError {
  return new NanofaasError("VALIDATION_ERROR", "Request validation failed", {
    details: [`resources.${field}: '${quantity}' is not a quantity the docker backend understands (e.g. ${examples})`],
  });
}

/** The create body; throws VALIDATION_ERROR for resources Docker cannot express. */
export function containerSpec(fn: ResolvedFunction, index: number, placement: Placement): Record<string, unknown> {
  const hostConfig: Record<string, unknown> = {
    // The backend supervises and replaces containers itself (like the process backend), so that a
    // replacement is a new container with a fresh address it knows about.
    RestartPolicy: { Name: "no" },
  };
  if (placement.kind === "host") {
    // An empty HostPort lets the daemon pick a free port; loopback keeps the pod off the network.
    hostConfig.PortBindings = { [PORT_KEY]: [{ HostIp: placement.hostIp, HostPort: "" }] };
    hostConfig.ExtraHosts = ["host.docker.internal:host-gateway"];
  } else {
    hostConfig.NetworkMode = placement.network;
  }
  const { cpu, memory } = fn.resources ?? {};
  if (memory) hostConfig.Memory = parseMemory(memory);
  if (cpu) hostConfig.NanoCpus = parseCpu(cpu);
  const body: Record<string, unknown> = {
    Image: fn.image,
    Env: containerEnv(fn, placement.callbackUrl),
    Labels: { [LABEL_APP]: "nanofaas", [LABEL_FUNCTION]: fn.name, [LABEL_REPLICA]: String(index) },
    ExposedPorts: { [PORT_KEY]: {} },
    HostConfig: hostConfig,
  };
  if (fn.command.length > 0) body.Entrypoint = fn.command;
  return body;
}

/** `http://addr:port` of a started container, or undefined while Docker has not assigned it. */
export function containerBaseUrl(inspect: ContainerInspect, placement: Placement): string | undefined {
  if (placement.kind === "host") {
    const bindings = inspect.NetworkSettings.Ports?.[PORT_KEY] ?? [];
    const binding = bindings.find((b) => b.HostIp === placement.hostIp) ?? bindings[0];
    return binding?.HostPort ? `http://${placement.hostIp}:${binding.HostPort}` : undefined;
  }
  const ip = inspect.NetworkSettings.Networks?.[placement.network]?.IPAddress;
  return ip ? `http://${ip.includes(":") ? `[${ip}]` : ip}:${CONTAINER_PORT}` : undefined;
}
