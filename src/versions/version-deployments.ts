/**
 * @module
 * The deployments of versions that take traffic without being active (issue 22). The active
 * version runs as the function itself; every other version in its traffic split runs as an
 * internal function `name@vN` with its own queue, circuit breaker, meters and (DEPLOYMENT) its own
 * replicas through the same Deployer — never listed, never stored, no triggers. This module owns
 * which of them run, the engine's route table over them, and their retirement: a version that
 * loses its place in the split takes no new calls at once, finishes what it has queued and in
 * flight, then is removed (after at most `retireGraceMs`).
 */
import type { Deployer } from "../deploy/deployer";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionLifecycleListener } from "../execution/function-lifecycle";
import type { QueueStats } from "../queue/function-queue";
import type { CircuitView } from "../resilience/circuit-breaker";
import type { TrafficRow } from "../store/version-rows";
import { buildTable, isWholeActive } from "./traffic";

/** What the engine offers for routing (InvocationEngine implements it). */
export interface TrafficRouting {
  setRoute(name: string, route: { slots: readonly string[]; byVersion: ReadonlyMap<number, string> } | undefined): void;
  circuit(name: string): CircuitView | undefined;
  queueStats(): ReadonlyMap<string, QueueStats>;
}

export interface VersionDeploymentsDeps {
  routing: TrafficRouting;
  /** The engine and the meters: what must know a version's internal function. */
  listeners: FunctionLifecycleListener[];
  deployer?: Deployer;
  /** The version's spec, resolved and provisioned under the given name (the function service's rules). */
  provision(name: string, version: number, internalName: string): Promise<ResolvedFunction>;
  /** Longest wait for a retired version to finish its work before it is removed anyway. */
  retireGraceMs?: number;
  pollMs?: number;
  reportError?: (error: unknown, what: string) => void;
}

/** The internal name of version `version` of function `name` (`@` never appears in a function name). */
export const versionDeploymentName = (name: string, version: number) => `${name}@v${version}`;

export class VersionDeployments {
  /** Function name → version → its running internal function. */
  private readonly running = new Map<string, Map<number, ResolvedFunction>>();
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly deps: VersionDeploymentsDeps) {}

  /** The running deployment of a non-active version, if it runs. */
  get(name: string, version: number): ResolvedFunction | undefined {
    return this.running.get(name)?.get(version);
  }

  /**
   * Makes `traffic` the routing of function `name` whose active version is `active`: starts the
   * deployments it needs (before any call can reach them), then swaps the engine's route table in
   * one assignment. Versions no longer needed are retired; `keep` names versions to leave running
   * even so (a promote routes to one while the function itself is being replaced).
   */
  async apply(name: string, active: number, traffic: TrafficRow[] | undefined, keep?: number): Promise<void> {
    const own = this.running.get(name) ?? new Map<number, ResolvedFunction>();
    this.running.set(name, own);
    const started: ResolvedFunction[] = [];
    try {
      for (const { version } of traffic ?? []) {
        if (version === active || own.has(version)) continue;
        const fn = await this.deps.provision(name, version, versionDeploymentName(name, version));
        for (const listener of this.deps.listeners) listener.onRegistered(fn);
        own.set(version, fn);
        started.push(fn);
      }
      // Everything to the active version (no split, or a pin to it) is the engine's plain path.
      const plain = !traffic || isWholeActive(traffic, active);
      this.deps.routing.setRoute(name, plain ? undefined : routeOf(name, active, traffic, own));
    } catch (error) {
      for (const fn of started) {
        own.delete(fn.version!);
        await this.remove(fn);
      }
      throw error;
    }
    const wanted = new Set((traffic ?? []).map((t) => t.version));
    for (const [version, fn] of own) {
      if (version === active || (!wanted.has(version) && version !== keep)) {
        own.delete(version);
        this.retire(fn);
      }
    }
  }

  /** Sends every call of `name` to its running version `version` (the first step of a promote). */
  routeAllTo(name: string, version: number): void {
    const target = versionDeploymentName(name, version);
    this.deps.routing.setRoute(name, {
      slots: new Array<string>(100).fill(target),
      byVersion: new Map([[version, target]]),
    });
  }

  /** Why version `version` of `name` cannot take all traffic now, or undefined when it can. */
  unhealthy(internalName: string, fn: ResolvedFunction): string | undefined {
    if (this.deps.routing.circuit(internalName)?.state === "OPEN") return "its circuit breaker is OPEN";
    if (fn.deploymentBackend && this.deps.deployer && this.deps.deployer.readyReplicas(internalName) === 0) {
      return "it has no ready replica";
    }
    return undefined;
  }

  /** The function is deleted: its versions go at once (their queued work fails with FUNCTION_REMOVED). */
  async removeAll(name: string): Promise<void> {
    const own = this.running.get(name);
    this.running.delete(name);
    for (const fn of own?.values() ?? []) await this.remove(fn);
  }

  /** Resolves once every retirement in progress has ended (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.retiring.size > 0) await Promise.all([...this.retiring]);
  }

  private retire(fn: ResolvedFunction): void {
    const done = this.drain(fn.name)
      .then(() => this.remove(fn))
      .catch((error) => this.deps.reportError?.(error, `retiring ${fn.name}`))
      .finally(() => this.retiring.delete(done));
    this.retiring.add(done);
  }

  /** Waits until nothing is queued or in flight for `internalName`, at most retireGraceMs. */
  private async drain(internalName: string): Promise<void> {
    const { pollMs = 50, retireGraceMs = 60_000 } = this.deps;
    const until = Date.now() + retireGraceMs;
    while (Date.now() < until) {
      const q = this.deps.routing.queueStats().get(internalName);
      if (!q || q.inFlight + q.sync.size + q.async.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async remove(fn: ResolvedFunction): Promise<void> {
    for (const listener of this.deps.listeners) listener.onRemoved(fn);
    if (fn.deploymentBackend) await this.deps.deployer?.deprovision(fn.name);
  }
}

/** The engine's table: each version's slots go to the function itself (active) or its deployment. */
function routeOf(
  name: string,
  active: number,
  traffic: TrafficRow[],
  own: ReadonlyMap<number, ResolvedFunction>,
): { slots: string[]; byVersion: Map<number, string> } {
  const targetOf = (version: number) => (version === active ? name : own.get(version)!.name);
  const byVersion = new Map<number, string>([[active, name]]);
  for (const { version } of traffic) byVersion.set(version, targetOf(version));
  return { slots: buildTable(traffic, targetOf), byVersion };
}
