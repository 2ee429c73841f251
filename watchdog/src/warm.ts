/**
 * @module
 * Warm mode lifecycle: listen, start the runner, serve until a signal, then drain:
 *
 * 1. `/health` answers 503 so the endpoint is taken out of rotation; for DRAIN_DELAY_MS (default 0)
 *    new `/invoke` calls are still served, because endpoint removal reaches callers late (Knative
 *    and of-watchdog do the same); then new calls answer 503 and the control plane retries elsewhere.
 * 2. Wait for in-flight invocations, bounded by TIMEOUT_MS + KILL_GRACE_MS + 1 s (each invocation
 *    is bounded by that already, so the bound only matters if something is wrong). A second signal
 *    cuts this short: running children are killed at once.
 * 3. Forward the received signal to the remaining children (the HTTP child), SIGKILL after
 *    KILL_GRACE_MS, reap, close the listener.
 *
 * The signal reaches the HTTP child only after the drain, so that it can finish the invocations
 * the watchdog is still waiting for. Exit code 0 after a graceful drain, 1 if it had to be forced.
 */
import { type ColdStart, createColdStart } from "./cold-start.ts";
import type { Config } from "./config.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
import type { Logger } from "./log.ts";
import { createMetrics } from "./metrics.ts";
import { type Reaper, settleWithin } from "./process/index.ts";
import { createRunner, type Runner, type RunnerDeps, RunnerStartError } from "./runners/index.ts";
import { createWarmApp, type WarmApp } from "./server.ts";
import { onShutdownSignals, type ShutdownSignal } from "./signals.ts";

const DRAIN_MARGIN_MS = 1_000;
// Bun.serve's maximum; longer than any client pool's idle time, so the client closes an idle
// keep-alive connection before we do and never races a request against our close.
const IDLE_TIMEOUT_S = 255;

export interface WarmDeps {
  config: Config;
  log: Logger;
  reaper: Reaper;
  runnerDeps: RunnerDeps;
  /** Aborting it forces the stop (RunnerDeps.stopSignal is its signal). */
  stop: AbortController;
}

export async function runWarm(deps: WarmDeps): Promise<number> {
  const { config, log } = deps;
  // Handlers first: once "listening" is logged, a supervisor may signal at any moment, and an
  // unhandled SIGTERM would kill us with the default action instead of a clean drain.
  const shutdown = listenForShutdown(deps);
  const pod = createPod(deps);
  const server = Bun.serve({
    port: config.port,
    idleTimeout: IDLE_TIMEOUT_S,
    routes: {
      "/invoke": { POST: pod.app.invoke, GET: pod.app.health },
      "/health": { GET: pod.app.health },
      "/metrics": { GET: pod.app.metrics },
    },
    fetch: pod.app.notFound,
  });
  log.info("listening", { port: server.port, maxInflight: config.maxInflight, timeoutMs: config.timeoutMs });

  const failure = await startRunner(pod.runner, shutdown.requested);
  if (failure) {
    log.error(failure.message, { code: failure.code });
    shutdown.remove();
    await server.stop(true);
    return 1;
  }
  if (pod.runner.state() === "ready") {
    pod.coldStart.markReady(performance.now());
    log.info("ready", { initMs: Math.round(performance.now()) });
  }

  const signal = await shutdown.requested;
  await drain(deps, pod, signal);
  // Graceful first, so a response being written is not cut off; idle keep-alive connections do
  // not hold this up (Bun closes them), and the bound covers anything that would.
  await settleWithin(server.stop(), DRAIN_MARGIN_MS);
  await server.stop(true);
  deps.reaper.reap();
  shutdown.remove();
  const forced = deps.stop.signal.aborted;
  log.info("stopped", { forced });
  return forced ? 1 : 0;
}

interface Pod {
  runner: Runner;
  limiter: Limiter;
  coldStart: ColdStart;
  app: WarmApp;
}

function createPod(deps: WarmDeps): Pod {
  const { config, log } = deps;
  const limiter = createLimiter(config.maxInflight);
  const metrics = createMetrics(config.functionName, config.mode);
  const coldStart = createColdStart();
  const runner = createRunner(deps.runnerDeps, {
    supervise: true,
    onReady: () => coldStart.markReady(performance.now()),
    onRestart: () => metrics.childRestarted(),
  });
  const app = createWarmApp({ config, runner, limiter, metrics, coldStart, log });
  return { runner, limiter, coldStart, app };
}

/** The first signal resolves `requested`; a second one forces the stop. */
function listenForShutdown(deps: WarmDeps): { requested: Promise<ShutdownSignal>; remove(): void } {
  let finish: (signal: ShutdownSignal) => void = () => {};
  const requested = new Promise<ShutdownSignal>((resolve) => {
    finish = resolve;
  });
  const remove = onShutdownSignals({
    graceful: (signal) => finish(signal),
    forced: (signal) => {
      deps.log.warn("second signal: stopping now", { signal });
      deps.stop.abort();
    },
  });
  return { requested, remove };
}

/**
 * Starts the runner; a signal during start-up (an HTTP child can take READY_TIMEOUT_MS) does not
 * wait for it. Returns the fatal start error, if any.
 */
async function startRunner(runner: Runner, stopRequested: Promise<unknown>): Promise<RunnerStartError | undefined> {
  const outcome = await Promise.race([
    runner.start().then(
      () => undefined,
      (error: unknown) => error,
    ),
    stopRequested.then(() => undefined),
  ]);
  if (outcome === undefined || outcome instanceof RunnerStartError) return outcome;
  throw outcome;
}

/** Steps 1-3 of the module comment. */
async function drain(deps: WarmDeps, pod: Pod, signal: ShutdownSignal): Promise<void> {
  const { config, log, stop } = deps;
  pod.app.startDrain();
  if (config.drainDelayMs > 0) {
    log.info("draining: /health is 503; still admitting while endpoints update", {
      signal,
      drainDelayMs: config.drainDelayMs,
    });
    await settleWithin(aborted(stop.signal), config.drainDelayMs);
  }
  pod.app.stopAdmitting();
  log.info("draining", { signal, inflight: pod.limiter.inflight });
  const bound = config.timeoutMs + config.killGraceMs + DRAIN_MARGIN_MS;
  const drained = await settleWithin(Promise.race([pod.limiter.idle(), aborted(stop.signal)]), bound);
  if (!drained || stop.signal.aborted) {
    stop.abort();
    await settleWithin(pod.limiter.idle(), config.killGraceMs + DRAIN_MARGIN_MS);
  }
  await pod.runner.stop(signal);
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
