/**
 * @module
 * Decides where replicas run and how the control plane reaches them (container-spec.ts
 * `Placement`), by asking the daemon whether the control plane itself is one of its containers:
 *
 * - it is (found by the container id in /proc/self/mountinfo, or by hostname): replicas join the
 *   control plane's network and are addressed by IP on it. Published host ports would not help —
 *   inside the control plane's container 127.0.0.1 is the container itself.
 * - it is not (or it uses the host's network): replicas publish 8080 on a random loopback port.
 *
 * No configuration is needed for either case; `NANOFAAS_CALLBACK_URL` overrides the callback.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { Placement } from "./container-spec";
import type { ContainerInspect, EngineClient } from "./engine-client";

export interface SelfFacts {
  /** Names/ids under which this process's container may be known to the daemon, best first. */
  candidates: string[];
}

/**
 * The container id from the bind mounts Docker sets up (`/var/lib/docker/containers/<id>/hostname`
 * and friends), which holds under cgroup v1 and v2 alike, then the hostname (Docker's default
 * hostname is the short id).
 */
export function realSelfFacts(): SelfFacts {
  const candidates: string[] = [];
  try {
    const mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
    const id = /\/containers\/([0-9a-f]{64})\/(?:hostname|hosts|resolv\.conf)/.exec(mountinfo)?.[1];
    if (id) candidates.push(id);
  } catch {
    // Not Linux, or /proc is not mounted: the hostname is all we have.
  }
  candidates.push(hostname());
  return { candidates };
}

/** Networks the control plane is attached to, a user-defined one first (it has DNS by name). */
function pickNetwork(self: ContainerInspect): [string, string] | undefined {
  const entries = Object.entries(self.NetworkSettings.Networks ?? {})
    .filter(([, net]) => net.IPAddress)
    .sort(([a], [b]) => Number(a === "bridge") - Number(b === "bridge") || a.localeCompare(b));
  const first = entries[0];
  return first ? [first[0], first[1].IPAddress] : undefined;
}

export interface PlacementInput {
  engine: EngineClient;
  self: SelfFacts;
  /** API port of this control plane, for the default callback URL. */
  serverPort: number;
  /** `NANOFAAS_CALLBACK_URL`, when set. */
  callbackUrl?: string;
}

const CALLBACK_PATH = "/v1/internal/executions";

export async function detectPlacement(input: PlacementInput): Promise<Placement> {
  let self: ContainerInspect | undefined;
  for (const candidate of input.self.candidates) {
    self = await input.engine.inspectContainer(candidate);
    if (self) break;
  }
  const mode = self?.HostConfig.NetworkMode ?? "";
  const network = self && mode !== "host" && !mode.startsWith("container:") ? pickNetwork(self) : undefined;
  if (network) {
    const [name, ip] = network;
    const host = ip.includes(":") ? `[${ip}]` : ip;
    return {
      kind: "network",
      network: name,
      callbackUrl: input.callbackUrl ?? `http://${host}:${input.serverPort}${CALLBACK_PATH}`,
    };
  }
  return {
    kind: "host",
    hostIp: "127.0.0.1",
    // host-gateway (Docker ≥ 20.10) maps this name to the host as seen from the container.
    callbackUrl: input.callbackUrl ?? `http://host.docker.internal:${input.serverPort}${CALLBACK_PATH}`,
  };
}

export function describePlacement(placement: Placement): string {
  return placement.kind === "host"
    ? `replicas publish port 8080 on ${placement.hostIp}; callbacks to ${placement.callbackUrl}`
    : `replicas join network '${placement.network}' (the control plane's own) and are reached by IP; callbacks to ${placement.callbackUrl}`;
}
