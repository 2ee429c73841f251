/**
 * @module
 * Register, look up, remove and scale functions (reference control-plane.md §1.3–§1.6). Provisions
 * DEPLOYMENT functions through the configured Deployer and tells lifecycle listeners (queues,
 * metrics, autoscaler) before a function becomes visible and after it disappears.
 */
import type { Deployer, RegistrationOrigin } from "../deploy/deployer";
import { chainProblems } from "../domain/chain";
import { NanofaasError, notFound, validation } from "../domain/errors";
import type { FunctionSpec } from "../domain/function-spec";
import { nextKey, tenantOfKey } from "../tenants/tenant-key";
import { parseStoredSpec } from "./stored-spec";
import { type FunctionDefaults, type ResolvedFunction, resolveFunction } from "../domain/resolved-function";
import type { FunctionLifecycleListener } from "../execution/function-lifecycle";
import type { Logger } from "../observability/logger";
import type { FunctionRows } from "../store/state-store";
import { storeUnavailable } from "../execution/durable-executions";
import { createMemoryVersionRows } from "../store/memory/version-rows";
import type { FunctionVersionRow, TrafficRow } from "../store/version-rows";
import { VersionHistory } from "../versions/version-history";
import type { FunctionRegistry } from "./function-registry";
import { type TrafficRouting, VersionDeployments } from "../versions/version-deployments";
import { createTrafficOps } from "./traffic-ops";

export interface FunctionServiceDeps {
  registry: FunctionRegistry;
  defaults: FunctionDefaults;
  /** The DEPLOYMENT backend, or undefined when none is configured (`NANOFAAS_DEPLOYMENT_BACKEND=none`). */
  deployer?: Deployer;
  /** Whether REMOTE (one Job per invocation) can run here: it needs the k8s backend. */
  remoteAvailable?: boolean;
  listeners?: FunctionLifecycleListener[];
  /** Most replicas one function may ask for (NANOFAAS_MAX_REPLICAS); unbounded when absent. */
  maxReplicas?: number;
  /** Most functions registered at once (NANOFAAS_MAX_FUNCTIONS); unbounded when absent. */
  maxFunctions?: number;
  /** A tenant's `maxFunctions` quota (issue 19); undefined = no quota. */
  maxFunctionsOf?: (tenant: string) => number | undefined;
  /**
   * The durable copy (issue 17): an API registration answers only once it is stored, a removal
   * only once it is gone from the store. Declared functions come from NANOFAAS_FUNCTIONS_DIR at
   * every start, so they are not stored.
   */
  persisted?: FunctionRows;
  /** Most functions one chain may run, the first included (NANOFAAS_MAX_CHAIN_DEPTH); default 10. */
  maxChainDepth?: number;
  /** Told of stored functions whose chain would be refused now (restored anyway). */
  logger?: Logger;
  /** Version history (issue 22); in memory, 20 per function, when absent. */
  history?: VersionHistory;
  /**
   * Traffic splitting (issue 22): the engine's routing, and who must know a version's internal
   * deployment (the engine and the meters; not triggers or the operator). Without it, PUT …/traffic
   * and :promote answer 400.
   */
  traffic?: {
    routing: TrafficRouting;
    listeners: FunctionLifecycleListener[];
    retireGraceMs?: number;
    reportError?: (error: unknown, what: string) => void;
  };
  now?: () => number;
}

export interface FunctionService {
  /** `origin` "declared" marks a spec an operator wrote (NANOFAAS_FUNCTIONS_DIR); default "api". */
  register(spec: FunctionSpec, origin?: RegistrationOrigin, options?: RegisterOptions): Promise<ResolvedFunction>;
  get(name: string): ResolvedFunction | undefined;
  require(name: string): ResolvedFunction;
  list(): ResolvedFunction[];
  remove(name: string): Promise<void>;
  setReplicas(name: string, replicas: number): Promise<number>;
  /** PUT: the next version of an existing function, in place; queued work is kept. */
  update(spec: FunctionSpec): Promise<ResolvedFunction>;
  /** Makes `version` (default: the newest one older than the active) active again. */
  rollback(name: string, version?: number): Promise<ResolvedFunction>;
  /** Sets the traffic split (weights summing to 100 over versions in the history). */
  setTraffic(name: string, traffic: TrafficRow[]): Promise<ResolvedFunction>;
  /** Makes `version` active with all traffic, once it is healthy (409 CONFLICT otherwise). */
  promote(name: string, version: number): Promise<ResolvedFunction>;
  versions(name: string): Promise<FunctionVersionRow[]>;
  version(name: string, version: number): Promise<FunctionVersionRow>;
  addListener(listener: FunctionLifecycleListener): void;
}

export interface RegisterOptions {
  /**
   * A function the store already holds (start-up recovery, another replica's registration): its
   * chain is not refused — it was accepted once, and refusing it now would drop the function and
   * its queued work — only logged; the runtime guard (workflows/chain-follower.ts) bounds it.
   */
  restored?: boolean;
}

export function createFunctionService(deps: FunctionServiceDeps): FunctionService {
  const { registry, defaults, deployer } = deps;
  const listeners = [...(deps.listeners ?? [])];
  // Names with a registration or removal in progress: a second concurrent call is a conflict.
  const busy = new Set<string>();
  const history = deps.history ?? new VersionHistory({ rows: createMemoryVersionRows(), retention: 20, now: deps.now });

  const conflict = (name: string) => new NanofaasError("CONFLICT", `Function '${name}' already exists`);
  const deployments =
    deps.traffic &&
    new VersionDeployments({
      ...deps.traffic,
      deployer,
      // A version's own deployment: its spec, resolved and provisioned by the same rules, no triggers.
      provision: async (name, version, internalName) => {
        const row = await history.get(name, version);
        if (!row) throw notFound(`Version ${version} of function '${name}'`);
        const spec = parseStoredSpec(row.spec, name);
        const resolved = boundReplicas(resolveFunction(spec, defaults), spec, deps.maxReplicas);
        const internal = { ...resolved, name: internalName, versionOf: name, version };
        return provision({ ...internal, schedules: undefined, eventSources: undefined }, "api");
      },
    });
  // The chain of each registration in progress, so two racing registrations cannot close a cycle.
  const pendingChains = new Map<string, string>();

  /**
   * 400 when `fn`'s chain would close a cycle or exceed the depth, with the others as they are;
   * for a restored function, a warning instead.
   */
  function checkChain(fn: ResolvedFunction, restored = false): void {
    if (!fn.chain) return;
    // `next` names a function of the chain's own tenant: the graph is over internal keys.
    const nextOf = new Map<string, string>();
    for (const other of registry.list()) if (other.chain) nextOf.set(other.name, nextKey(other.name, other.chain.next));
    for (const [name, next] of pendingChains) nextOf.set(name, nextKey(name, next));
    const problems = chainProblems(
      fn.name,
      nextKey(fn.name, fn.chain.next),
      nextOf,
      deps.maxChainDepth ?? DEFAULT_MAX_CHAIN_DEPTH,
    );
    if (problems.length === 0) return;
    if (!restored) throw validation("Request validation failed", problems);
    deps.logger?.warn(
      { function: fn.name, problems },
      "a stored function's chain is refused for new registrations; at run time it stops at NANOFAAS_MAX_CHAIN_DEPTH",
    );
  }

  /** Marks `name` busy (and its chain pending) for the duration of `work`. */
  async function exclusively<T>(fn: ResolvedFunction, work: () => Promise<T>): Promise<T> {
    busy.add(fn.name);
    if (fn.chain) pendingChains.set(fn.name, fn.chain.next);
    try {
      return await work();
    } finally {
      busy.delete(fn.name);
      pendingChains.delete(fn.name);
    }
  }

  async function provision(fn: ResolvedFunction, origin: RegistrationOrigin): Promise<ResolvedFunction> {
    if (fn.requestedExecutionMode === "REMOTE" && !deps.remoteAvailable) {
      throw cannotRun(
        fn,
        "executionMode",
        "REMOTE needs the k8s deployment backend, which this control plane does not use",
      );
    }
    if (fn.requestedExecutionMode !== "DEPLOYMENT") return fn;
    // Policy first: it must refuse before anything looks at the file system (issue 13.2).
    deployer?.admit?.(fn, origin);
    const unsupported = deployer
      ? deployer.unsupportedReason?.(fn)
      : {
          field: "executionMode",
          reason: `No managed deployment provider available for function '${fn.name}' (NANOFAAS_DEPLOYMENT_BACKEND=none)`,
        };
    if (unsupported) {
      // Degrade to POOL only when the client gave us somewhere to send work (reference §2.4).
      if (fn.endpointUrl) return { ...fn, effectiveExecutionMode: "POOL", degradationReason: unsupported.reason };
      throw cannotRun(fn, unsupported.field, unsupported.reason);
    }
    const { endpointUrl } = await deployer!.provision(fn);
    return { ...fn, endpointUrl, deploymentBackend: deployer!.id };
  }

  function notifyRegistered(fn: ResolvedFunction): void {
    const done: FunctionLifecycleListener[] = [];
    try {
      for (const listener of listeners) {
        listener.onRegistered(fn);
        done.push(listener);
      }
    } catch (error) {
      for (const listener of done.reverse()) listener.onRemoved(fn);
      throw error;
    }
  }

  /** Stores an API registration; when the store refuses, the registration is undone (503). */
  async function persist(fn: ResolvedFunction, spec: FunctionSpec): Promise<void> {
    if (!deps.persisted) return;
    const now = (deps.now ?? Date.now)();
    try {
      await deps.persisted.put({ name: fn.name, spec, createdAt: now, updatedAt: now });
    } catch (error) {
      for (const listener of [...listeners].reverse()) listener.onRemoved(fn);
      if (fn.deploymentBackend) await deployer?.deprovision(fn.name).catch(() => undefined);
      throw storeUnavailable(error);
    }
  }

  function notifyUpdated(fn: ResolvedFunction, previous: ResolvedFunction): void {
    for (const listener of listeners) {
      if (listener.onUpdated) listener.onUpdated(fn, previous);
      else {
        listener.onRemoved(previous);
        listener.onRegistered(fn);
      }
    }
  }

  /** Stores the active spec of an update or rollback (nothing in memory changed yet when it fails). */
  async function persistReplacement(spec: FunctionSpec): Promise<void> {
    if (!deps.persisted) return;
    const now = (deps.now ?? Date.now)();
    await deps.persisted
      .put({ name: spec.name, spec, createdAt: now, updatedAt: now })
      .catch((error) => Promise.reject(storeUnavailable(error)));
  }

  /**
   * Replaces the active spec of a registered function (PUT, rollback): the backend re-provisions
   * (new replicas for a DEPLOYMENT function), listeners are told `onUpdated`, the engine's queue
   * keeps its work. `chooseVersion` records the version (a new one, or the rollback target).
   */
  async function replace(
    spec: FunctionSpec,
    chooseVersion: (previous: ResolvedFunction) => Promise<number>,
    keepTraffic = false,
  ): Promise<ResolvedFunction> {
    const previous = registry.get(spec.name);
    if (!previous || busy.has(spec.name)) throw notFound(`Function '${spec.name}'`);
    const resolved = boundReplicas(resolveFunction(spec, defaults), spec, deps.maxReplicas);
    checkChain(resolved);
    return exclusively(resolved, async () => {
      const fn = await provision(resolved, "api");
      if (previous.deploymentBackend && !fn.deploymentBackend) await deployer?.deprovision(spec.name);
      const version = await chooseVersion(previous).catch((error) => Promise.reject(storeUnavailable(error)));
      await persistReplacement(spec);
      fn.version = version;
      if (keepTraffic) fn.traffic = previous.traffic;
      notifyUpdated(fn, previous);
      registry.put(fn);
      return fn;
    });
  }

  const traffic = createTrafficOps({
    registry,
    history,
    deployments,
    deployer,
    busy,
    replace,
    reportError: deps.traffic?.reportError,
  });

  /** maxFunctions of the tenant owning `key`: its functions plus its registrations in progress. */
  function checkTenantQuota(key: string): void {
    const tenant = tenantOfKey(key);
    const max = deps.maxFunctionsOf?.(tenant);
    if (max === undefined) return;
    let owned = 0;
    for (const fn of registry.list()) if (tenantOfKey(fn.name) === tenant) owned++;
    for (const name of busy) if (tenantOfKey(name) === tenant) owned++;
    if (owned >= max) {
      throw new NanofaasError(
        "QUOTA_EXCEEDED",
        `Tenant '${tenant}' may register at most ${max} functions (its maxFunctions quota); delete one first`,
      );
    }
  }

  return {
    async register(spec, origin = "api", options = {}) {
      const resolved = boundReplicas(resolveFunction(spec, defaults), spec, deps.maxReplicas);
      if (registry.get(spec.name) || busy.has(spec.name)) throw conflict(spec.name);
      checkFunctionQuota(registry.list().length + busy.size, deps.maxFunctions);
      checkTenantQuota(spec.name);
      checkChain(resolved, options.restored);
      return exclusively(resolved, async () => {
        resolved.version = await history.registered(spec).catch((error) => Promise.reject(storeUnavailable(error)));
        const fn = await provision(resolved, origin);
        try {
          notifyRegistered(fn);
        } catch (error) {
          if (fn.deploymentBackend) await deployer?.deprovision(fn.name).catch(() => undefined);
          throw error;
        }
        if (origin === "api") await persist(fn, spec);
        registry.put(fn);
        await traffic.restore(fn);
        return fn;
      });
    },

    get: (name) => registry.get(name),
    require(name) {
      const fn = registry.get(name);
      if (!fn) throw notFound(`Function '${name}'`);
      return fn;
    },
    list: () => registry.list(),

    async remove(name) {
      const fn = registry.get(name);
      if (!fn || busy.has(name)) throw notFound(`Function '${name}'`);
      busy.add(name);
      try {
        await deps.persisted?.delete(name).catch((error) => Promise.reject(storeUnavailable(error)));
        await history.forget(name).catch((error) => Promise.reject(storeUnavailable(error)));
        registry.delete(name);
        for (const listener of listeners) listener.onRemoved(fn);
        await deployments?.removeAll(name);
        if (fn.deploymentBackend && deployer) {
          try {
            await deployer.deprovision(name);
          } catch (error) {
            // Put the function back so the caller can retry the delete (reference §1.5).
            notifyRegistered(fn);
            registry.put(fn);
            throw error;
          }
        }
      } finally {
        busy.delete(name);
      }
    },

    async setReplicas(name, replicas) {
      const fn = registry.get(name);
      if (!fn) throw notFound(`Function '${name}'`);
      if (fn.effectiveExecutionMode !== "DEPLOYMENT") {
        throw new NanofaasError("BAD_REQUEST", `Function '${name}' is not in DEPLOYMENT mode`);
      }
      if (!deployer) throw new NanofaasError("BACKEND_UNAVAILABLE", "No deployment backend is configured");
      if (deps.maxReplicas !== undefined && replicas > deps.maxReplicas) {
        throw validation("Request validation failed", [
          `replicas: must be <= ${deps.maxReplicas} (NANOFAAS_MAX_REPLICAS)`,
        ]);
      }
      await deployer.setReplicas(name, replicas);
      return replicas;
    },

    addListener: (listener) => void listeners.push(listener),

    update: (spec) => traffic.update(spec),

    async rollback(name, version) {
      const active = registry.get(name);
      if (!active) throw notFound(`Function '${name}'`);
      const target = await history.rollbackTarget(name, active.version ?? 1, version);
      // A rollback ends a traffic split: everything goes to the version rolled back to.
      const fn = await replace(parseStoredSpec(target.spec, name), async () => {
        if (active.traffic) await history.setTraffic(name, undefined, target.version);
        else await history.activate(name, target.version);
        return target.version;
      });
      await deployments?.apply(name, target.version, undefined);
      return fn;
    },

    setTraffic: (name, split) => traffic.setTraffic(name, split),
    promote: (name, version) => traffic.promote(name, version),

    async versions(name) {
      if (!registry.get(name)) throw notFound(`Function '${name}'`);
      return history.list(name);
    },

    async version(name, version) {
      if (!registry.get(name)) throw notFound(`Function '${name}'`);
      const row = await history.get(name, version);
      if (!row) throw notFound(`Version ${version} of function '${name}'`);
      return row;
    },
  };
}

export const DEFAULT_MAX_CHAIN_DEPTH = 10;

/**
 * A registration that can never run as sent (issue 13.14): the client's mistake, so 400 naming
 * the field and what would work, never a 503 that invites a retry.
 */
function cannotRun(fn: ResolvedFunction, field: string, reason: string): NanofaasError {
  const modes = ["DEPLOYMENT", "POOL", "LOCAL"].filter((mode) => mode !== fn.requestedExecutionMode);
  return validation(`Function '${fn.name}' cannot run as ${fn.requestedExecutionMode} here`, [
    `${field}: ${reason}`,
    `executionMode: ${modes.join(", ")} would work (POOL with an http(s) endpointUrl; LOCAL echoes)`,
  ]);
}

/**
 * Replica counts are bounded (issue 13.3): `minReplicas: 2000000000` once spawned processes until
 * the host's limit and took the control plane down. Explicit values above the bound, or a
 * minReplicas above maxReplicas, are 400.
 */
function boundReplicas(fn: ResolvedFunction, spec: FunctionSpec, max: number | undefined): ResolvedFunction {
  const given = spec.scalingConfig;
  const problems: string[] = [];
  if (given?.minReplicas != null && given.maxReplicas != null && given.minReplicas > given.maxReplicas) {
    problems.push("scalingConfig.minReplicas: must be <= scalingConfig.maxReplicas");
  }
  for (const key of ["minReplicas", "maxReplicas"] as const) {
    const value = given?.[key];
    if (max !== undefined && value != null && value > max)
      problems.push(`scalingConfig.${key}: must be <= ${max} (NANOFAAS_MAX_REPLICAS)`);
  }
  if (problems.length > 0) throw validation("Request validation failed", problems);
  // The defaults (NANOFAAS_SCALING_DEFAULT_*) are checked against the bound at start-up.
  return fn;
}

/** NANOFAAS_MAX_FUNCTIONS (issue 13.7): 3 000 functions made /metrics 19 MB and 0.7 s to render. */
function checkFunctionQuota(count: number, max: number | undefined): void {
  if (max !== undefined && count >= max) {
    throw new NanofaasError(
      "QUOTA_EXCEEDED",
      `At most ${max} functions may be registered (NANOFAAS_MAX_FUNCTIONS); delete one first`,
    );
  }
}
