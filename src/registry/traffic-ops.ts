/**
 * @module
 * The function service's traffic operations (issue 22, SPEC-platform §6): PUT …/traffic, :promote,
 * a PUT update while a split stands, and the split restored at start-up. The split is stored with
 * the version history (one row beside the active version) and run by VersionDeployments.
 *
 * Decisions (docs/versions.md): a PUT while a split stands keeps the split — the new version is
 * active (GET shows its spec) but takes only what the split gives it (nothing until a weight or a
 * promote), so a canary never starts at 100 %. `[{version: <active>, weight: 100}]` is such a split
 * (a pin), shown as none. A rollback or a promote ends the split.
 */
import type { Deployer } from "../deploy/deployer";
import { NanofaasError, notFound } from "../domain/errors";
import type { FunctionSpec } from "../domain/function-spec";
import { parseStoredSpec } from "./stored-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import { storeUnavailable } from "../execution/durable-executions";
import type { TrafficRow } from "../store/version-rows";
import { checkTraffic } from "../versions/traffic";
import type { VersionDeployments } from "../versions/version-deployments";
import type { VersionHistory } from "../versions/version-history";
import type { FunctionRegistry } from "./function-registry";

export interface TrafficOpsDeps {
  registry: FunctionRegistry;
  history: VersionHistory;
  deployments: VersionDeployments | undefined;
  deployer: Deployer | undefined;
  /** Names with a change in progress (the function service's). */
  busy: Set<string>;
  /** The function service's in-place replacement of the active spec. */
  replace(
    spec: FunctionSpec,
    chooseVersion: (previous: ResolvedFunction) => Promise<number>,
    keepTraffic?: boolean,
  ): Promise<ResolvedFunction>;
  /** How long a promote waits for the function's own replicas before routing back to them. */
  readyWaitMs?: number;
  reportError?: (error: unknown, what: string) => void;
}

export function createTrafficOps(deps: TrafficOpsDeps) {
  const { registry, history, deployments, busy } = deps;

  const require = (name: string) => {
    const fn = registry.get(name);
    if (!fn || busy.has(name)) throw notFound(`Function '${name}'`);
    return fn;
  };
  const available = (): VersionDeployments => {
    if (!deployments)
      throw new NanofaasError("BAD_REQUEST", "Traffic splitting is not available in this control plane");
    return deployments;
  };
  const stored = <T>(work: Promise<T>) => work.catch((error) => Promise.reject(storeUnavailable(error)));

  /** Sets the split on the registered function object (GET shows it). */
  const show = (name: string, traffic: TrafficRow[] | undefined) => {
    const fn = registry.get(name);
    if (fn) registry.put({ ...fn, traffic });
  };

  /** Waits (bounded) until the function's own replicas are ready, so a route back to it finds one. */
  async function ready(fn: ResolvedFunction): Promise<void> {
    if (!fn.deploymentBackend || !deps.deployer) return;
    const until = Date.now() + (deps.readyWaitMs ?? 60_000);
    while (deps.deployer.readyReplicas(fn.name) === 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function setTraffic(name: string, traffic: TrafficRow[]): Promise<ResolvedFunction> {
    const running = available();
    const fn = require(name);
    const known = new Set((await stored(history.list(name))).map((r) => r.version));
    // Kept as given, a pin to the active version included: it holds a later PUT's version at 0 %.
    const split = checkTraffic(traffic, known);
    const active = fn.version ?? 1;
    busy.add(name);
    try {
      await running.apply(name, active, split);
      try {
        await stored(history.setTraffic(name, split));
      } catch (error) {
        await running.apply(name, active, fn.traffic).catch(() => undefined);
        throw error;
      }
    } finally {
      busy.delete(name);
    }
    show(name, split);
    return registry.get(name)!;
  }

  /**
   * Blue/green: every new call goes at once to the (healthy) target's own deployment, the function
   * is replaced by the target's spec in place, and once its replicas are ready calls go back to it;
   * work in flight anywhere finishes where it runs.
   */
  async function promote(name: string, version: number): Promise<ResolvedFunction> {
    const running = available();
    const fn = require(name);
    const active = fn.version ?? 1;
    const row = await stored(history.get(name, version));
    if (!row) throw notFound(`Version ${version} of function '${name}'`);
    if (version === active) {
      refuseUnhealthy(name, version, running.unhealthy(name, fn));
      if (fn.traffic) {
        await stored(history.setTraffic(name, undefined));
        await running.apply(name, active, undefined);
        show(name, undefined);
      }
      return registry.get(name)!;
    }
    const target = running.get(name, version);
    if (!target) {
      throw new NanofaasError(
        "CONFLICT",
        `Version ${version} of function '${name}' takes no traffic, so it has no replicas to check: give it a weight (0 is enough to start it) with PUT /v1/functions/${name}/traffic, then promote`,
      );
    }
    refuseUnhealthy(name, version, running.unhealthy(target.name, target));
    running.routeAllTo(name, version);
    let promoted: ResolvedFunction;
    try {
      promoted = await deps.replace(parseStoredSpec(row.spec, name), async () => {
        await history.setTraffic(name, undefined, version);
        return version;
      });
    } catch (error) {
      await running.apply(name, active, fn.traffic).catch((e) => deps.reportError?.(e, `restoring ${name}'s route`));
      throw error;
    }
    await ready(promoted);
    await running.apply(name, version, undefined);
    return registry.get(name)!;
  }

  /** PUT: a new version; a split in place stands, and the new version gets none of it. */
  async function update(spec: FunctionSpec): Promise<ResolvedFunction> {
    const split = registry.get(spec.name)?.traffic;
    if (!split || !deployments) return deps.replace(spec, () => history.append(spec));
    const protect = split.map((t) => t.version);
    // Every version of the split runs on its own deployment before the function becomes the new one.
    await deployments.apply(spec.name, 0, split);
    const fn = await deps.replace(spec, () => history.append(spec, protect), true);
    await deployments.apply(spec.name, fn.version!, split);
    return fn;
  }

  /** At registration (a restart): the stored split runs again. */
  async function restore(fn: ResolvedFunction): Promise<void> {
    if (!deployments) return;
    try {
      const split = await history.traffic(fn.name);
      if (!split) return;
      await deployments.apply(fn.name, fn.version ?? 1, split);
      show(fn.name, split);
    } catch (error) {
      deps.reportError?.(error, `restoring the traffic split of '${fn.name}'`);
    }
  }

  return { setTraffic, promote, update, restore };
}

function refuseUnhealthy(name: string, version: number, reason: string | undefined): void {
  if (reason) {
    throw new NanofaasError("CONFLICT", `Version ${version} of function '${name}' cannot take all traffic: ${reason}`);
  }
}
