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
import type { Config } from "../../config/config";
import { NanofaasError } from "../../domain/errors";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { Deployer } from "../deployer";
import { connectHost, type HostFacts, launchPlan, realHostFacts, unsupportedReason } from "./launch";
import { PortAllocator } from "./ports";
import { GroupReaper } from "./process-group";
import { Replica, type ReplicaContext, type ReplicaTiming } from "./replica";

export interface ProcessDeployerOptions {
  /** Receives replica output and backend events, one prefixed line each. Default: stderr. */
  output?: (line: string) => void;
  /** Environment replicas inherit before the function's own `env`. Default: process.env. */
  baseEnv?: Record<string, string | undefined>;
  /** Machine facts (cwd, PATH lookup, watchdog location); tests override them. */
  host?: HostFacts;
  timing?: Partial<Omit<ReplicaTiming, "readinessTimeoutMs">>;
}

/** The Deployer plus read-only introspection for tests and diagnostics. */
export interface ProcessDeployer extends Deployer {
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

type ReadyListener = (name: string, ready: number) => void;

/** The replicas of one function and the round-robin cursor over the ready ones. */
class FunctionReplicas {
  readonly replicas: Replica[] = [];
  private readyEndpoints: string[] = [];
  private cursor = 0;

  constructor(
    readonly name: string,
    private readonly newReplica: (index: number, onReadyChange: () => void) => Replica,
    private readonly announce: (name: string, ready: number) => void,
  ) {}

  get readyCount(): number {
    return this.readyEndpoints.length;
  }

  /** Hot path (one call per invocation): an array lookup, no scan. */
  pick(): string | undefined {
    const list = this.readyEndpoints;
    if (list.length === 0) return undefined;
    const index = this.cursor % list.length;
    this.cursor = index + 1;
    return list[index];
  }

  /** Starts replicas synchronously; stops surplus ones newest first and waits for them to exit. */
  async scaleTo(count: number): Promise<void> {
    while (this.replicas.length < count) {
      const replica = this.newReplica(this.replicas.length, () => this.refresh());
      this.replicas.push(replica);
      replica.start();
    }
    const surplus = this.replicas.splice(count).reverse();
    // stop() marks the replica unready and signals it before its first await, so the newest
    // replica is signalled first; then all of them wind down in parallel.
    await Promise.all(surplus.map((replica) => replica.stop()));
    this.refresh();
  }

  private refresh(): void {
    const before = this.readyEndpoints.length;
    this.readyEndpoints = this.replicas.flatMap((replica) => (replica.endpoint ? [replica.endpoint] : []));
    if (this.readyEndpoints.length !== before) this.announce(this.name, this.readyEndpoints.length);
  }
}

export function createProcessDeployer(config: Config, options: ProcessDeployerOptions = {}): ProcessDeployer {
  const host = options.host ?? realHostFacts();
  const output = options.output ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const baseEnv = options.baseEnv ?? process.env;
  const timing: ReplicaTiming = { ...DEFAULT_TIMING, ...options.timing, readinessTimeoutMs: config.readinessTimeoutMs };
  const replicaHost = connectHost(config.processBindHost);
  const ports = new PortAllocator(config.processBindHost);
  const reaper = new GroupReaper();
  const functions = new Map<string, FunctionReplicas>();
  const listeners = new Set<ReadyListener>();
  let closed = false;

  const announce = (name: string, ready: number) => {
    for (const listener of listeners) {
      try {
        listener(name, ready);
      } catch (error) {
        output(`[fn/${name}] nanofaas: a ready-change listener failed: ${(error as Error).message}`);
      }
    }
  };

  const unknown = (name: string) => new NanofaasError("NOT_FOUND", `Function '${name}' has no process-backend replicas`);

  async function deprovision(name: string): Promise<void> {
    const set = functions.get(name);
    if (!set) return;
    functions.delete(name);
    await set.scaleTo(0);
  }

  return {
    id: "process",

    unsupportedReason: (fn) => unsupportedReason(fn, host),

    async provision(fn: ResolvedFunction) {
      if (closed) throw new NanofaasError("BACKEND_UNAVAILABLE", "the process backend is shut down");
      const reason = unsupportedReason(fn, host);
      if (reason) throw new NanofaasError("BACKEND_UNAVAILABLE", reason);
      // "Creates or updates": an existing set is replaced, since command and env may have changed.
      await deprovision(fn.name);
      const plan = launchPlan(fn, config, host, baseEnv);
      const newReplica = (index: number, onReadyChange: () => void) => {
        const ctx: ReplicaContext = { name: fn.name, index, plan, cwd: host.cwd, host: replicaHost, ports, reaper, timing, emit: output, onReadyChange };
        return new Replica(ctx);
      };
      const set = new FunctionReplicas(fn.name, newReplica, announce);
      functions.set(fn.name, set);
      await set.scaleTo(Math.max(0, fn.scalingConfig?.minReplicas ?? 1));
      const first = set.replicas[0]?.baseUrl;
      return { endpointUrl: first ? `${first}/invoke` : `process://${fn.name}` };
    },

    deprovision,

    async setReplicas(name, replicas) {
      const set = functions.get(name);
      if (!set) throw unknown(name);
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw new NanofaasError("BAD_REQUEST", `replicas must be a non-negative integer (got ${replicas})`);
      }
      if (closed) throw new NanofaasError("BACKEND_UNAVAILABLE", "the process backend is shut down");
      await set.scaleTo(replicas);
    },

    readyReplicas: (name) => functions.get(name)?.readyCount ?? 0,

    pickEndpoint: (name) => functions.get(name)?.pick(),

    onReadyChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    async close() {
      closed = true;
      await Promise.all([...functions.keys()].map((name) => deprovision(name)));
      reaper.killAll();
      reaper.dispose();
    },

    replicaPids: (name) => (functions.get(name)?.replicas ?? []).flatMap((r) => (r.pid === undefined ? [] : [r.pid])),

    replicaStarts: (name) => (functions.get(name)?.replicas ?? []).map((r) => r.starts),
  };
}
