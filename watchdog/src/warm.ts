/**
 * @module
 * Warm mode lifecycle: listen, start the runner, serve until a signal, then drain:
 *
 * 1. Stop admitting: `/health` and new `/invoke` calls answer 503 so the endpoint is taken out of
 *    rotation and the control plane retries elsewhere.
 * 2. Wait for in-flight invocations, bounded by TIMEOUT_MS + KILL_GRACE_MS + 1 s (each invocation
 *    is bounded by that already, so the bound only matters if something is wrong). A second signal
 *    cuts this short: running children are killed at once.
 * 3. Forward the received signal to the remaining children (the HTTP child), SIGKILL after
 *    KILL_GRACE_MS, reap, close the listener.
 *
 * The signal reaches the HTTP child only after the drain, so that it can finish the invocations
 * the watchdog is still waiting for. Exit code 0 after a graceful drain, 1 if it had to be forced.
 */
import { createColdStart } from "./cold-start.ts";
import type { Config } from "./config.ts";
import { createLimiter } from "./limiter.ts";
import type { Logger } from "./log.ts";
import { createMetrics } from "./metrics.ts";
import { type Reaper, settleWithin } from "./process/index.ts";
import { createRunner, type RunnerDeps, RunnerStartError } from "./runners/index.ts";
import { createWarmApp } from "./server.ts";
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
  const { config, log, stop } = deps;
  // Handlers first: once "listening" is logged, a supervisor may signal at any moment, and an
  // unhandled SIGTERM would kill us with the default action instead of a clean drain.
  let finish: (signal: ShutdownSignal) => void = () => {};
  const stopRequested = new Promise<ShutdownSignal>((resolve) => {
    finish = resolve;
  });
  const removeSignals = onShutdownSignals({
    graceful: (signal) => finish(signal),
    forced: (signal) => {
      log.warn("second signal: stopping now", { signal });
      stop.abort();
    },
  });
  const limiter = createLimiter(config.maxInflight);
  const metrics = createMetrics(config.functionName, config.mode);
  const coldStart = createColdStart();
  const runner = createRunner(deps.runnerDeps, {
    supervise: true,
    onReady: () => coldStart.markReady(performance.now()),
    onRestart: () => metrics.childRestarted(),
  });
  const app = createWarmApp({ config, runner, limiter, metrics, coldStart, log });
  const server = Bun.serve({
    port: config.port,
    idleTimeout: IDLE_TIMEOUT_S,
    routes: {
      "/invoke": { POST: app.invoke, GET: app.health },
      "/health": { GET: app.health },
      "/metrics": { GET: app.metrics },
    },
    fetch: app.notFound,
  });
  log.info("listening", { port: server.port, maxInflight: config.maxInflight, timeoutMs: config.timeoutMs });

  // A signal during start-up (an HTTP child can take READY_TIMEOUT_MS) goes straight to the drain.
  const started = await Promise.race([
    runner.start().then(
      () => undefined,
      (error: unknown) => error,
    ),
    stopRequested.then(() => undefined),
  ]);
  if (started !== undefined) {
    if (!(started instanceof RunnerStartError)) throw started;
    log.error(started.message, { code: started.code });
    removeSignals();
    await server.stop(true);
    return 1;
  }
  if (runner.state() === "ready") {
    coldStart.markReady(performance.now());
    log.info("ready", { initMs: Math.round(performance.now()) });
  }

  const signal = await stopRequested;
  app.startDrain();
  log.info("draining", { signal, inflight: limiter.inflight });
  const bound = config.timeoutMs + config.killGraceMs + DRAIN_MARGIN_MS;
  const drained = await settleWithin(Promise.race([limiter.idle(), aborted(stop.signal)]), bound);
  if (!drained || stop.signal.aborted) {
    stop.abort();
    await settleWithin(limiter.idle(), config.killGraceMs + DRAIN_MARGIN_MS);
  }
  await runner.stop(signal);
  // Graceful first, so a response being written is not cut off; idle keep-alive connections do
  // not hold this up (Bun closes them), and the bound covers anything that would.
  await settleWithin(server.stop(), DRAIN_MARGIN_MS);
  await server.stop(true);
  deps.reaper.reap();
  removeSignals();
  const forced = stop.signal.aborted;
  log.info("stopped", { forced });
  return forced ? 1 : 0;
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
