/**
 * @module
 * The drain sequence on SIGTERM/SIGINT (SPEC §4, issue 13.11). Order matters:
 *   1. readiness goes 503, so load balancers stop sending work;
 *   2. for `drainDelayMs` (NANOFAAS_SHUTDOWN_DRAIN_DELAY_MS) work is still admitted: Kubernetes
 *      removes a terminating pod from its Service asynchronously, so requests keep arriving for
 *      a few seconds and would otherwise get 503 during every rolling update;
 *   3. the engine stops admitting (new invocations get 503 SHUTTING_DOWN in the envelope) while
 *      callbacks and queued/running executions carry on — the API listener stays up for them;
 *   4. wait until every execution is terminal, or the grace period ends (a second signal ends it
 *      at once), then fail what is left with code SHUTDOWN so every waiting caller gets an answer;
 *   5. run the closers (deployer, span exporter), mark the process stopped.
 * main.ts then stops the listeners — letting in-flight responses finish — and exits 0.
 */
import type { HealthState } from "./health";
import type { Logger } from "./logger";

/** What the drain needs from the engine. */
export interface Drainable {
  stopAdmitting(): void;
  pendingCount(): number;
  failPending(code: string, message: string): number;
}

export interface ShutdownDeps {
  engine: Drainable;
  health: HealthState;
  graceMs: number;
  /** Admission continues this long after the first signal, with readiness already 503. */
  drainDelayMs?: number;
  logger: Logger;
  /** Run after the drain, in order; failures are logged and do not stop the shutdown. */
  closers?: { name: string; close: () => Promise<void> | void }[];
  /** How often to look at the pending count while draining. */
  pollMs?: number;
  now?: () => number;
}

export interface ShutdownReport {
  /** Executions that finished on their own during the drain. */
  drained: number;
  /** Executions failed with SHUTDOWN when the grace ran out. */
  failed: number;
  elapsedMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const SHUTDOWN_ERROR_CODE = "SHUTDOWN";

/**
 * Signals within this long of the first are the same request: one Ctrl-C on `npm start` reaches
 * the control plane as SIGINT (from the terminal) and then SIGTERM (forwarded by the npm → just
 * wrappers), and must drain, not skip the drain. A signal after it ends the drain at once.
 */
export const SIGNAL_DEBOUNCE_MS = 1000;

export interface Shutdown {
  /** Starts the drain (idempotent: later calls return the same promise and cut the grace short). */
  begin(signal: string): Promise<ShutdownReport>;
  readonly started: boolean;
}

export function createShutdown(deps: ShutdownDeps): Shutdown {
  const now = deps.now ?? Date.now;
  const pollMs = deps.pollMs ?? 20;
  let running: Promise<ShutdownReport> | undefined;
  let hurry: () => void = () => {};
  const hurried = new Promise<void>((resolve) => {
    hurry = resolve;
  });

  async function drain(signal: string): Promise<ShutdownReport> {
    const { engine, health, logger, graceMs } = deps;
    const start = now();
    health.phase = "draining";
    let hurriedNow = false;
    void hurried.then(() => {
      hurriedNow = true;
    });
    const delayMs = deps.drainDelayMs ?? 0;
    if (delayMs > 0) {
      logger.info(
        { signal, drainDelayMs: delayMs },
        "draining: readiness is 503; still admitting while endpoints update",
      );
      await Promise.race([sleep(delayMs), hurried]);
    }
    engine.stopAdmitting();
    const pendingAtStart = engine.pendingCount();
    logger.info({ signal, pending: pendingAtStart, graceMs }, "draining");

    const deadline = now() + graceMs;
    while (engine.pendingCount() > 0 && now() < deadline && !hurriedNow) {
      await Promise.race([sleep(Math.min(pollMs, Math.max(0, deadline - now()))), hurried]);
    }
    const left = engine.pendingCount();
    const failed =
      left > 0
        ? engine.failPending(SHUTDOWN_ERROR_CODE, "The control plane shut down before the execution finished")
        : 0;
    if (failed > 0) logger.warn({ failed, graceMs }, "shutdown grace ran out; failed the remaining executions");

    for (const closer of deps.closers ?? []) {
      try {
        await closer.close();
      } catch (error) {
        logger.error({ err: error, closer: closer.name }, "error while shutting down");
      }
    }
    health.phase = "stopped";
    const report = { drained: Math.max(0, pendingAtStart - failed), failed, elapsedMs: now() - start };
    logger.info(report, "stopped");
    return report;
  }

  let firstSignalAt = 0;
  return {
    begin(signal) {
      if (running) {
        if (now() - firstSignalAt < SIGNAL_DEBOUNCE_MS) {
          deps.logger.info({ signal }, "signal repeated at once (a wrapper forwarding it): still draining");
          return running;
        }
        deps.logger.info({ signal }, "second signal: ending the drain now");
        hurry();
        return running;
      }
      firstSignalAt = now();
      running = drain(signal);
      return running;
    },
    get started() {
      return running !== undefined;
    },
  };
}
