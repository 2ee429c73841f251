/**
 * @module
 * The internal autoscaler (`scalingConfig.strategy: INTERNAL`, reference control-plane.md §6.7):
 * each `tick` reads every DEPLOYMENT function's queue depth, in-flight count and dispatch rate,
 * decides replicas (scaling-decision.ts) and effective concurrency (concurrency-control.ts), and
 * applies them through the Deployer and the engine. It also scales from zero on the first
 * invocation: the engine reports queued work with no ready replica (`onWaitingForReplica`, or the
 * observer's `onEnqueued`), we ask for replicas at once, the work stays queued, and the
 * deployer's readiness event wakes the scheduler when a pod is ready.
 *
 * Kubernetes-agnostic: it sees a Deployer-shaped `ReplicaControl` and an engine-shaped
 * `ScalingTarget`. main.ts owns the timer (`setInterval(() => autoscaler.tick(engine), …)`).
 * Dispatches are counted through the observer (`onDispatched`), giving the reference's rps:
 * dispatches since the previous tick ÷ elapsed seconds.
 */
import { deploymentScaling } from "../domain/function-scaling";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { EngineObserver } from "../execution/engine-observer";
import { type AdaptiveState, type ConcurrencyResult, nextConcurrency } from "./concurrency-control";
import {
  decideScaling,
  loadRatio,
  type ScalingDecision,
  type ScalingState,
  UPSCALE_COOLDOWN_MS,
} from "./scaling-decision";

export interface ReplicaControl {
  readyReplicas(name: string): number;
  setReplicas(name: string, replicas: number): Promise<void>;
  /**
   * The replica count currently requested (a Deployment's spec.replicas), when the backend knows
   * it. Without it the autoscaler assumes its own last request, which a manual
   * `PUT /replicas` makes stale until the next scale.
   */
  requestedReplicas?(name: string): number | undefined;
}

export interface ScalableQueue {
  readonly fn: ResolvedFunction;
  readonly sync: { readonly size: number };
  readonly async: { readonly size: number };
  readonly inFlight: number;
}

/** What the engine offers the autoscaler (InvocationEngine satisfies it). */
export interface ScalingTarget {
  /** Each function's queue, read-only. */
  queueStats(): ReadonlyMap<string, ScalableQueue>;
  setEffectiveConcurrency(name: string, limit: number): void;
}

export interface AutoscalerDeps {
  replicas: ReplicaControl;
  defaultTargetInFlightPerPod: number;
  now?: () => number;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /** Each tick's outcome per function (for the concurrency gauges and logs). */
  onDecision?: (name: string, decision: ScalingDecision, concurrency: ConcurrencyResult & { mode: string }) => void;
}

export interface Autoscaler {
  /** Counts dispatches (rps) and scales from zero when work is queued with nothing ready. */
  readonly observer: EngineObserver;
  /** The engine's `onWaitingForReplica` hook: same effect as the observer's `onEnqueued`. */
  onWaitingForReplica(fn: ResolvedFunction): void;
  /** One autoscaling pass over every INTERNAL function; never rejects. */
  tick(target: ScalingTarget): Promise<void>;
}

/** After our own scale call the backend's view (a watch) may lag: trust our request this long. */
const OWN_REQUEST_TRUST_MS = 10_000;

interface FunctionState extends ScalingState {
  fn: ResolvedFunction;
  lastRequestAt: number;
  /** When we first saw this registration: provisioning asked for minReplicas then. */
  seenAt: number;
  dispatchesAtLastTick: number;
  lastTickAt: number | undefined;
  adaptive: AdaptiveState | undefined;
  waking: boolean;
}

const internalScaling = (fn: ResolvedFunction) => {
  const scaling = deploymentScaling(fn);
  return fn.effectiveExecutionMode === "DEPLOYMENT" && fn.deploymentBackend && scaling?.strategy === "INTERNAL"
    ? scaling
    : undefined;
};

export function createAutoscaler(deps: AutoscalerDeps): Autoscaler {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => undefined);
  const states = new Map<string, FunctionState>();
  const dispatches = new Map<string, number>();
  let ticking = false;

  /** State per function; a re-registered function (new object) starts afresh. */
  function stateOf(fn: ResolvedFunction, minReplicas: number): FunctionState {
    let state = states.get(fn.name);
    if (state?.fn !== fn) {
      state = {
        fn,
        seenAt: now(),
        requested: minReplicas,
        lastScaleUpAt: -Infinity,
        lastScaleDownAt: -Infinity,
        lastRequestAt: -Infinity,
        dispatchesAtLastTick: dispatches.get(fn.name) ?? 0,
        lastTickAt: undefined,
        adaptive: undefined,
        waking: false,
      };
      states.set(fn.name, state);
    }
    return state;
  }

  async function scale(
    state: FunctionState,
    replicas: number,
    direction: "up" | "down",
    reason: string,
  ): Promise<boolean> {
    // Cooldowns run from the decision, not from whenever a slow API server answered.
    const decidedAt = now();
    try {
      await deps.replicas.setReplicas(state.fn.name, replicas);
    } catch (error) {
      log("autoscaler_scale_failed", { function: state.fn.name, replicas, error: (error as Error).message });
      return false;
    }
    state.requested = replicas;
    state.lastRequestAt = decidedAt;
    if (direction === "up") state.lastScaleUpAt = decidedAt;
    else state.lastScaleDownAt = decidedAt;
    log("autoscaler_scaled", { function: state.fn.name, replicas, reason });
    return true;
  }

  /** The backend's requested count (e.g. after a manual PUT /replicas), unless we just set it. */
  function refreshRequested(state: FunctionState): void {
    const observed = deps.replicas.requestedReplicas?.(state.fn.name);
    if (observed !== undefined && now() - state.lastRequestAt >= OWN_REQUEST_TRUST_MS) state.requested = observed;
  }

  function wake(fn: ResolvedFunction): void {
    const scaling = internalScaling(fn);
    if (!scaling || deps.replicas.readyReplicas(fn.name) > 0) return;
    const state = stateOf(fn, scaling.minReplicas);
    if (state.waking) return; // one scale call for a thundering herd (single flight)
    refreshRequested(state);
    // Replicas were asked for recently (by us, or by provisioning): the pods are on their way.
    if (state.requested > 0 && now() - Math.max(state.lastScaleUpAt, state.seenAt) < UPSCALE_COOLDOWN_MS) return;
    state.waking = true;
    void scale(state, Math.max(1, scaling.minReplicas), "up", "scale-from-zero").finally(() => {
      state.waking = false;
    });
  }

  async function tickOne(queue: ScalableQueue, target: ScalingTarget, at: number): Promise<void> {
    const { fn } = queue;
    const scaling = internalScaling(fn);
    if (!scaling) return;
    const state = stateOf(fn, scaling.minReplicas);
    refreshRequested(state);
    const count = dispatches.get(fn.name) ?? 0;
    const elapsedMs = state.lastTickAt === undefined ? 0 : at - state.lastTickAt;
    const rps = elapsedMs > 0 ? Math.max(0, count - state.dispatchesAtLastTick) / (elapsedMs / 1000) : 0;
    state.dispatchesAtLastTick = count;
    state.lastTickAt = at;
    const queued = queue.sync.size + queue.async.size;
    const ratio = loadRatio(scaling.metrics, { queue_depth: queued, in_flight: queue.inFlight, rps });
    const decision = decideScaling({
      ratio,
      ready: deps.replicas.readyReplicas(fn.name),
      pending: queued + queue.inFlight,
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      now: at,
      state,
    });
    let replicas = decision.base;
    if (
      decision.action !== "none" &&
      !state.waking &&
      (await scale(state, decision.replicas, decision.action, decision.reason))
    ) {
      replicas = decision.replicas;
    }
    const concurrency = nextConcurrency(
      {
        control: scaling.concurrencyControl,
        concurrency: fn.concurrency,
        replicas,
        ratio,
        base: decision.base,
        maxReplicas: scaling.maxReplicas,
        downscaleSignalled: decision.desired < decision.base,
        now: at,
        defaultTarget: deps.defaultTargetInFlightPerPod,
      },
      state.adaptive,
    );
    state.adaptive = concurrency.state;
    target.setEffectiveConcurrency(fn.name, concurrency.effective);
    deps.onDecision?.(fn.name, decision, { ...concurrency, mode: scaling.concurrencyControl.mode });
  }

  return {
    observer: {
      onDispatched(record) {
        dispatches.set(record.fn.name, (dispatches.get(record.fn.name) ?? 0) + 1);
      },
      onEnqueued(record) {
        wake(record.fn);
      },
    },
    onWaitingForReplica: wake,

    async tick(target) {
      if (ticking) return; // a slow API server must not stack ticks
      ticking = true;
      try {
        const at = now();
        const queues = target.queueStats();
        await Promise.all(
          [...queues.values()].map((queue) =>
            tickOne(queue, target, at).catch((error: unknown) => {
              log("autoscaler_tick_failed", { function: queue.fn.name, error: (error as Error).message });
            }),
          ),
        );
        for (const name of states.keys()) {
          if (!queues.has(name)) {
            states.delete(name);
            dispatches.delete(name);
          }
        }
      } finally {
        ticking = false;
      }
    },
  };
}
