/**
 * @module
 * Environment variables that carry our prefixes but are not settings of ours: the Java reference's
 * settings that have no meaning here (accepted, with one start-up warning saying what they did and
 * why they do nothing), and variables other nanofaas programs read (CLI, SDKs, build), which tools
 * put in the same environment and which are ignored silently. Reference settings that DO have a
 * meaning here are not listed: they are aliases in SETTINGS.
 */

/** Both spellings Spring's relaxed binding accepted for a property key: dashes removed, and dashes as `_`. */
export function springEnvNames(key: string): string[] {
  const upper = key.toUpperCase().replaceAll(".", "_");
  return [...new Set([upper.replaceAll("-", ""), upper.replaceAll("-", "_")])];
}

/** A reference setting accepted without effect: what it did there, why it does nothing here. */
interface InertSetting {
  key: string;
  why: string;
}

const INERT: readonly InertSetting[] = [
  {
    key: "nanofaas.http-client.read-timeout-ms",
    why: "pod read timeout, which the reference replaced on every call by the function's timeoutMs; timeoutMs (or X-Timeout-Ms) is the only read timeout here",
  },
  {
    key: "nanofaas.http-client.connect-timeout-ms",
    why: "pod connect timeout; a pod that cannot be reached fails its attempt within the function's timeoutMs (POOL_TIMEOUT; a refused connection at once, as POOL_ERROR)",
  },
  {
    key: "nanofaas.sync-queue.max-concurrency",
    why: "set by the reference's Helm values but read by no reference code; sync dispatch is bounded by each function's concurrency",
  },
  {
    key: "nanofaas.container-local.runtime-adapter",
    why: "chose the docker or podman CLI for container-local; the docker backend talks to the Engine API at NANOFAAS_DOCKER_SOCKET (podman's Docker-compatible socket works there)",
  },
  {
    key: "nanofaas.container-local.bind-host",
    why: "address of container-local's local proxy; docker replicas publish their port on loopback and are called directly",
  },
  {
    key: "nanofaas.container-local.readiness-poll-interval",
    why: "container-local readiness polling period; replicas here are probed every 100 ms until NANOFAAS_READINESS_TIMEOUT_MS",
  },
  {
    key: "nanofaas.container-local.callback-url",
    why: "callback URL injected into container-local containers; warm replicas answer over HTTP and get no CALLBACK_URL (REMOTE jobs use NANOFAAS_CALLBACK_URL)",
  },
];

const INERT_BY_NAME = new Map(INERT.flatMap((s) => springEnvNames(s.key).map((name) => [name, s] as const)));

/** Read by the CLI, the function SDKs/runtimes or the build — never by the control plane. */
const OTHER_PROGRAMS = new Set([
  "NANOFAAS_URL",
  "NANOFAAS_ENDPOINT",
  "NANOFAAS_NAMESPACE",
  "NANOFAAS_CONTEXT",
  "NANOFAAS_CONTROL_PLANE_MODULES",
  "NANOFAAS_GIT_SHA",
  "NANOFAAS_HANDLER_TIMEOUT",
  "NANOFAAS_HANDLER_TIMEOUT_MS",
]);

export type ForeignVariable = { kind: "inert"; why: string; key: string } | { kind: "other-program" };

/** Classifies a variable that is not one of our settings, or undefined when it is unknown. */
export function classifyForeign(name: string): ForeignVariable | undefined {
  if (OTHER_PROGRAMS.has(name)) return { kind: "other-program" };
  const inert = INERT_BY_NAME.get(name);
  return inert ? { kind: "inert", why: inert.why, key: inert.key } : undefined;
}

/** Every inert reference setting (for docs/configuration.md). */
export function inertReferenceSettings(): readonly { names: string[]; why: string }[] {
  return INERT.map((s) => ({ names: springEnvNames(s.key), why: s.why }));
}

/** Variables of other nanofaas programs that are ignored silently (for docs/configuration.md). */
export const otherProgramVariables = (): string[] => [...OTHER_PROGRAMS];
