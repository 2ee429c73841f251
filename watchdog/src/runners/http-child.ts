/**
 * @module
 * The long-lived HTTP-mode child: started with its own loopback port in `PORT`, polled on `/health`
 * (every 50 ms after a quick ramp-up) until it answers 2xx (bounded by `READY_TIMEOUT_MS`, and cut short if it exits), and —
 * when supervising (warm mode) — restarted with exponential backoff after it crashes or stops
 * answering. The reference never restarted a dead child and kept reporting itself healthy.
 */
import { childUrls } from "../child-target.ts";
import { describe } from "../log.ts";
import type { Child } from "../process/index.ts";
import { settleWithin } from "../process/index.ts";
import type { RunnerDeps, RunnerState } from "./runner.ts";

// Probes ramp up 5, 10, 20, 40 ms, then every 50 ms (the reference's fixed interval): a child
// that is up in 10 ms is noticed within a few ms, not after a 50 ms sleep, while a slow starter
// is still probed only 20 times a second. Loopback probes to a closed port fail in microseconds.
const HEALTH_POLL_FIRST_MS = 5;
const HEALTH_POLL_MS = 50;
const HEALTH_PROBE_TIMEOUT_MS = 200;
// 100 ms, 200 ms, ... capped at 5 s: quick recovery from a one-off crash without hammering the
// machine when the function cannot start at all.
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 5_000;

export interface HttpChildOptions {
  /** Restart the child when it dies or hangs (warm mode). */
  supervise: boolean;
  /** Called each time a child becomes ready. */
  onReady(): void;
  onRestart(): void;
}

export interface HttpChild {
  state(): RunnerState;
  /** The ready child and its port, or undefined while starting or restarting. */
  ready(): { child: Child; port: number; invokeUrl: string } | undefined;
  /** Starts the first child; resolves with whether it became ready. Throws if it cannot be spawned. */
  start(): Promise<boolean>;
  /** After an invocation timed out: a child that no longer answers /health is restarted. */
  checkHealth(): void;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function createHttpChild(deps: RunnerDeps, options: HttpChildOptions): HttpChild {
  const { config, children, log } = deps;
  let state: RunnerState = "starting";
  let current: { child: Child; port: number; invokeUrl: string; healthUrl: string } | undefined;
  let failures = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;
  let checking = false;

  const launch = async (): Promise<boolean> => {
    const port = config.childPort || freePort();
    const child = children.spawn(config.command, {
      env: { ...deps.baseEnv, PORT: String(port) },
      stdin: "ignore",
      stdout: "inherit",
      stderr: "inherit",
    });
    const urls = childUrls(config, port);
    current = { child, port, invokeUrl: urls.invoke, healthUrl: urls.health };
    log.info("function runtime started", { pid: child.pid, port });
    void child.exited.then((exit) => {
      if (current?.child !== child || state === "stopped") return;
      log.warn("function runtime exited", { pid: child.pid, code: exit.code, signal: exit.signal });
      if (state === "ready") restart();
    });
    const started = performance.now();
    const healthy = await waitHealthy(urls.health, config.readyTimeoutMs, child);
    if (current?.child !== child || state === "stopped") return false;
    if (!healthy) {
      const why = child.hasExited() ? "exited before it became ready" : `not ready after ${config.readyTimeoutMs} ms`;
      log.error(`function runtime ${why}`, { pid: child.pid, port });
      await children.terminate(child, config.killGraceMs);
      return false;
    }
    state = "ready";
    failures = 0;
    log.info("function runtime ready", { pid: child.pid, port, ms: Math.round(performance.now() - started) });
    options.onReady();
    return true;
  };

  const scheduleRestart = () => {
    if (!options.supervise || state === "stopped" || restartTimer) return;
    state = "restarting";
    const delay = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** failures);
    failures += 1;
    restartTimer = setTimeout(async () => {
      restartTimer = undefined;
      options.onRestart();
      const ok = await launch().catch((error) => {
        log.error("cannot restart the function runtime", { error: describe(error) });
        return false;
      });
      if (!ok) scheduleRestart();
    }, delay);
  };

  /** Takes the current child out of service (killing it if alive) and schedules a new one. */
  const restart = () => {
    const old = current;
    current = undefined;
    state = "restarting";
    if (old && !old.child.hasExited()) void children.terminate(old.child, config.killGraceMs);
    scheduleRestart();
  };

  return {
    state: () => state,
    ready: () => (state === "ready" ? current : undefined),
    async start() {
      const ok = await launch();
      if (!ok) scheduleRestart();
      return ok;
    },
    checkHealth() {
      const target = current;
      if (!options.supervise || checking || state !== "ready" || !target) return;
      checking = true;
      void probe(target.healthUrl, HEALTH_PROBE_TIMEOUT_MS).then((healthy) => {
        checking = false;
        if (healthy || current !== target || state !== "ready") return;
        log.warn("function runtime stopped answering /health; restarting", { pid: target.child.pid });
        restart();
      });
    },
    async stop(signal) {
      state = "stopped";
      clearTimeout(restartTimer);
      if (current) await children.terminate(current.child, config.killGraceMs, signal);
    },
  };
}

async function waitHealthy(healthUrl: string, limitMs: number, child: Child): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  let interval = HEALTH_POLL_FIRST_MS;
  for (;;) {
    if (child.hasExited()) return false;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    if (await probe(healthUrl, Math.min(HEALTH_PROBE_TIMEOUT_MS, left))) return true;
    // Sleep one poll interval, but wake up at once if the child dies meanwhile.
    await settleWithin(child.exited, Math.min(interval, Math.max(0, deadline - performance.now())));
    interval = Math.min(HEALTH_POLL_MS, interval * 2);
  }
}

async function probe(healthUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(healthUrl, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** A free loopback port, found by binding port 0 and letting it go. */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}
