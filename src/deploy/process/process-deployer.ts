/**
 * @module
 * The `process` deployment backend (SPEC §1.11): each replica of a DEPLOYMENT function is a local
 * child process on a free loopback port — the function's `command`, or the watchdog running its
 * `runtimeCommand`. It is the embedded default that lets `npm start` on a laptop run real
 * functions with nothing else installed. Behaviour follows the reference's container-local
 * backend (control-plane.md §5.5: minReplicas or 1, ready = `/health` 2xx) without its proxy:
 * the dispatcher asks `pickEndpoint` for a ready replica directly, round-robin.
 *
 * `endpointUrl` (informational — dispatch always goes through `pickEndpoint`) is replica 0's URL
 * as spawned, or `process://<name>` when the function starts with zero replicas. A restarted
 * replica gets a new port, so that URL can go stale; `pickEndpoint` never does.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../../config/config";
import { NanofaasError } from "../../domain/errors";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { Deployer } from "../deployer";
import { LogHub } from "../../logs/log-hub";
import { createCommandPolicy } from "./command-policy";
import { checkReplicaCount, ReplicaSets } from "../shared/replica-sets";
import type { ReplicaTiming } from "../shared/supervised-replica";
import { connectHost, type HostFacts, launchPlan, realHostFacts, unsupportedReason } from "./launch";
import { PortAllocator } from "./ports";
import { GroupLedger } from "./group-ledger";
import { GroupReaper } from "./process-group";
import { type SpawnFn, SpawnGuard } from "./spawn-guard";
import { Replica, type ReplicaContext } from "./replica";

export interface ProcessDeployerOptions {
  /** Receives replica output and backend events, one prefixed line each. Default: stderr. */
  output?: (line: string) => void;
  /** Environment replicas inherit before the function's own `env`. Default: process.env. */
  baseEnv?: Record<string, string | undefined>;
  /** Machine facts (cwd, PATH lookup, watchdog location); tests override them. */
  host?: HostFacts;
  timing?: Partial<Omit<ReplicaTiming, "readinessTimeoutMs">>;
  /** Replaces Bun.spawn (tests force spawn failures with it). */
  spawn?: SpawnFn;
}

/** The Deployer plus read-only introspection for tests and diagnostics. */
export interface ProcessDeployer extends Deployer {
  logs: LogHub;
  /** PID (= process-group id) of each replica's latest process, running or not. */
  replicaPids(name: string): number[];
  /** Total spawns per replica index, restarts included. */
  replicaStarts(name: string): number[];
}

const DEFAULT_TIMING: Omit<ReplicaTiming, "readinessTimeoutMs"> = {
  probeIntervalMs: 50,
  healthIntervalMs: 1000,
  stopGraceMs: 5000,
  backoff: { baseMs: 100, maxMs: 5000 },
  stableAfterMs: 10_000,
};

export function createProcessDeployer(config: Config, options: ProcessDeployerOptions = {}): ProcessDeployer {
  const host = options.host ?? realHostFacts();
  const output = options.output ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const baseEnv = options.baseEnv ?? process.env;
  const timing: ReplicaTiming = { ...DEFAULT_TIMING, ...options.timing, readinessTimeoutMs: config.readinessTimeoutMs };
  const replicaHost = connectHost(config.processBindHost);
  const ports = new PortAllocator(config.processBindHost);
  const ledger = new GroupLedger(config.processStateDir ?? defaultStateDir(config.serverPort));
  const reaped = ledger.reapLeftovers();
  if (reaped.length > 0)
    output(
      `[nanofaas] reaped ${reaped.length} replica process group(s) left by a control plane that died: ${reaped.join(", ")}`,
    );
  const reaper = new GroupReaper(ledger);
  const spawner = new SpawnGuard(reaper, output, options.spawn);
  const functions = new ReplicaSets<Replica>("process", output);
  const policy = createCommandPolicy(config.processAllowedCommands);
  const logs = new LogHub(config.logsBufferLines);
  let closed = false;

  return {
    id: "process",

    admit(fn, origin) {
      if (origin === "declared") return policy.trust(fn);
      const refusal = policy.refusal(fn);
      if (refusal) throw refusal;
    },

    unsupportedReason: (fn) => unsupportedReason(fn, host),

    async provision(fn: ResolvedFunction) {
      if (closed) throw new NanofaasError("BACKEND_UNAVAILABLE", "the process backend is shut down");
      const reason = unsupportedReason(fn, host);
      if (reason) throw new NanofaasError("BACKEND_UNAVAILABLE", reason.reason);
      // "Creates or updates": an existing set is replaced, since command and env may have changed.
      await functions.remove(fn.name);
      const plan = launchPlan(fn, config, host, baseEnv);
      const set = functions.create(fn.name, (index, onReadyChange, onFailed) => {
        const ctx: ReplicaContext = {
          name: fn.name,
          index,
          plan,
          cwd: host.cwd,
          host: replicaHost,
          ports,
          reaper,
          spawner,
          timing,
          emit: output,
          capture: (stream, line) => logs.record(fn.name, String(index), stream, line),
          onReadyChange,
          onFailed,
        };
        return new Replica(ctx);
      });
      await set.scaleTo(Math.max(0, fn.scalingConfig?.minReplicas ?? 1));
      const first = set.replicas[0]?.baseUrl;
      return { endpointUrl: first ? `${first}/invoke` : `process://${fn.name}` };
    },

    async deprovision(name) {
      await functions.remove(name);
      logs.forget(name);
    },

    async setReplicas(name, replicas) {
      const set = functions.existing(name);
      checkReplicaCount(replicas);
      if (closed) throw new NanofaasError("BACKEND_UNAVAILABLE", "the process backend is shut down");
      await set.scaleTo(replicas);
    },

    readyReplicas: (name) => functions.readyCount(name),
    desiredReplicas: (name) => functions.replicas(name).length,

    replicaError: (name) => functions.lastError(name),

    pickEndpoint: (name) => functions.pick(name),

    onReadyChange: (listener) => functions.onReadyChange(listener),

    onReplicaFailure: (listener) => functions.onFailure(listener),

    logs,

    async close() {
      closed = true;
      await functions.removeAll();
      reaper.killAll();
      reaper.dispose();
    },

    replicaPids: (name) => functions.replicas(name).flatMap((r) => (r.pid === undefined ? [] : [r.pid])),

    replicaStarts: (name) => functions.replicas(name).map((r) => r.starts),
  };
}

/** Per user and API port, so control planes of different users or ports keep separate ledgers. */
function defaultStateDir(serverPort: number): string {
  return join(tmpdir(), `nanofaas-${process.getuid?.() ?? "user"}-${serverPort}`);
}
