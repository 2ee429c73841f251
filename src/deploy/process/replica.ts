/**
 * @module
 * One process-backend replica: a child process on a free loopback port, kept alive for as long as
 * the replica exists. Each run spawns the program in its own process group, polls `GET /health`
 * until it answers 2xx (ready) or the readiness budget runs out (killed), keeps probing while it
 * serves, and restarts it with exponential backoff when it exits or stays unhealthy. `ready` drops
 * the moment the process exits, so a dead replica is never handed out for dispatch.
 */
import type { Subprocess } from "bun";
import { backoffDelay } from "../../lib/backoff";
import { probeHealth, probeHealthEvery, readinessProbeTimeout } from "../../lib/health-probe";
import { sleep } from "../../lib/sleep";
import { type ReplicaIdentity, type ReplicaTiming, SupervisedReplica } from "../shared/supervised-replica";
import type { LaunchPlan } from "./launch";
import { forwardLines } from "./line-forwarder";
import type { PortAllocator } from "./ports";
import { type GroupReaper, signalGroup, signalTree } from "./process-group";
import { watchedArgv } from "./replica-launch";
import type { ReplicaProcess, SpawnGuard } from "./spawn-guard";

export interface ReplicaContext extends ReplicaIdentity {
  plan: LaunchPlan;
  cwd: string;
  /** Host part of replica URLs (loopback, bracketed for IPv6). */
  host: string;
  ports: PortAllocator;
  reaper: GroupReaper;
  /** Spawns replica processes; refuses once the host's process limit was hit (issue 13.3). */
  spawner: SpawnGuard;
  timing: ReplicaTiming;
}

/** Consecutive failed probes that take a ready replica out of rotation. */
const UNHEALTHY_AFTER_FAILURES = 3;

/** How long to wait for a dead replica's pipes to drain. */
const OUTPUT_DRAIN_MS = 1000;

/** How one run ended: why, and whether it had been healthy long enough to reset the backoff. */
interface RunOutcome {
  reason: string;
  stable: boolean;
}

/** One spawned process of a replica and what watches it. */
interface Run {
  proc: ReplicaProcess;
  port: number;
  baseUrl: string;
  startedAt: number;
  /** Resolves (with "exited with code N" / "killed by SIG…") once the leader has exited. */
  exited: Promise<string>;
  output: Promise<unknown>;
  /** Aborted when the process exits or the replica stops. */
  signal: AbortSignal;
  detach(): void;
}

type Readiness = { kind: "ready" } | { kind: "aborted" } | { kind: "timeout"; last: string; reachable: boolean };

export class Replica extends SupervisedReplica {
  /** PID (= process-group id) of the latest run. */
  pid: number | undefined;

  constructor(private readonly ctx: ReplicaContext) {
    super(ctx);
  }

  /** Spawns the first run synchronously (so `baseUrl` and `pid` are known on return). */
  start(): void {
    if (!this.stopping) this.loop ??= this.superviseForever();
  }

  private async superviseForever(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      const outcome = await this.runOnce();
      if (this.stopping) break;
      if (outcome.stable) failures = 0;
      const delay = backoffDelay(failures++, this.ctx.timing.backoff);
      this.log(`${outcome.reason}; restarting in ${delay} ms`);
      await sleep(delay, this.stopSignal.signal);
    }
  }

  private spawn(port: number): ReplicaProcess {
    const { plan, cwd } = this.ctx;
    const env = { ...plan.env, PORT: String(port), WARM_PORT: String(port) };
    // detached: setsid, so the replica leads its own process group (see process-group.ts); stdin
    // is the pipe whose end-of-file kills the group when the control plane dies (replica-launch.ts).
    return this.ctx.spawner.spawn(watchedArgv(plan.argv), {
      cwd,
      env,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
    });
  }

  private async runOnce(): Promise<RunOutcome> {
    const run = this.launch();
    if (typeof run === "string") return { reason: run, stable: false };
    const { problem, readySince } = await this.supervise(run);
    if (problem) this.log(`${problem}; stopping it`);
    this.setReady(false);
    if (problem || this.stopping) await this.terminate(run.proc, run.exited);
    const exit = await this.finish(run);
    if (this.stopping) this.log(`stopped (${exit})`);
    const stable = this.wasStable(readySince, this.ctx.timing.stableAfterMs);
    const when = readySince === undefined && !problem ? " before becoming ready" : "";
    return { reason: `${exit}${when}`, stable };
  }

  /** Spawns the program on a fresh port and wires its output and exit; a string says why it could not. */
  private launch(): Run | string {
    const { ports, plan } = this.ctx;
    let port: number;
    let proc: ReplicaProcess;
    try {
      port = ports.allocate();
      try {
        proc = this.spawn(port);
      } catch (error) {
        ports.release(port);
        throw error;
      }
    } catch (error) {
      return `could not start ${plan.argv[0]}: ${(error as Error).message}`;
    }
    this.pid = proc.pid;
    this.starts++;
    this.ctx.reaper.add(proc.pid);
    this.baseUrl = `http://${this.ctx.host}:${port}`;
    const watchdogCmd = plan.env.WATCHDOG_CMD;
    this.log(
      `started pid ${proc.pid} on port ${port}: ${plan.argv.join(" ")}${watchdogCmd ? ` (WATCHDOG_CMD=${watchdogCmd})` : ""}`,
    );
    // Aborted when the process exits or the replica stops: ends probing at once.
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.stopSignal.signal.addEventListener("abort", abort, { once: true });
    const exited = proc.exited.then(() => {
      this.setReady(false);
      controller.abort();
      return proc.signalCode ? `killed by ${proc.signalCode}` : `exited with code ${proc.exitCode}`;
    });
    return {
      proc,
      port,
      baseUrl: this.baseUrl,
      startedAt: performance.now(),
      exited,
      output: Promise.all([
        forwardLines(proc.stdout, this.prefix, this.ctx.emit),
        forwardLines(proc.stderr, this.prefix, this.ctx.emit),
      ]),
      signal: controller.signal,
      detach: () => this.stopSignal.signal.removeEventListener("abort", abort),
    };
  }

  /** Readiness, then health watching, until the run exits, is stopped, or must be restarted. */
  private async supervise(run: Run): Promise<{ problem?: string; readySince?: number }> {
    const { readinessTimeoutMs } = this.ctx.timing;
    const readiness = await this.waitUntilHealthy(run.baseUrl, run.startedAt + readinessTimeoutMs, run.signal);
    if (readiness.kind === "aborted") return {};
    if (readiness.kind === "timeout") {
      // The usual newcomer mistake: a server hard-wired to 8080 instead of the PORT it is given.
      const hint = readiness.reachable ? "" : `; does it listen on ${this.ctx.host}:$PORT (${run.port})?`;
      return { problem: `not ready within ${readinessTimeoutMs} ms (last probe: ${readiness.last}${hint})` };
    }
    const readySince = performance.now();
    this.setReady(true);
    this.log(`ready after ${Math.round(readySince - run.startedAt)} ms`);
    return { problem: await this.watchHealth(run.baseUrl, run.signal), readySince };
  }

  /** After the leader exited: clears up its group, port and pipes. Returns how it exited. */
  private async finish(run: Run): Promise<string> {
    const exit = await run.exited;
    // The leader is gone; anything it left behind in its group goes too (a wrapper's children).
    signalGroup(run.proc.pid, "SIGKILL");
    this.ctx.reaper.delete(run.proc.pid);
    closeQuietly(run.proc.stdin);
    this.ctx.ports.release(run.port);
    run.detach();
    // A grandchild that escaped the group (its own setsid) could hold the pipes open forever.
    const giveUp = new AbortController();
    await Promise.race([run.output, sleep(OUTPUT_DRAIN_MS, giveUp.signal)]);
    giveUp.abort();
    return exit;
  }

  /** Polls `/health` every probeIntervalMs until 2xx, the deadline, or the run ends. */
  private async waitUntilHealthy(baseUrl: string, deadline: number, signal: AbortSignal): Promise<Readiness> {
    let last = "no probe answered";
    let reachable = false;
    while (!signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return { kind: "timeout", last, reachable };
      // A floor on the probe timeout: a probe squeezed into the last millisecond would report a
      // meaningless timeout instead of what the program answered.
      const result = await probeHealth(baseUrl, signal, readinessProbeTimeout(remaining));
      if (signal.aborted) break;
      if (result.ok) return { kind: "ready" };
      last = result.detail;
      reachable ||= result.kind === "answered";
      await sleep(Math.min(this.ctx.timing.probeIntervalMs, Math.max(0, deadline - performance.now())), signal);
    }
    return { kind: "aborted" };
  }

  /**
   * Probes a ready replica; returns why it must be restarted, or undefined once aborted. Like a
   * Kubernetes readiness probe (failureThreshold 3) one slow answer does not take it out of
   * rotation: a single-threaded pod busy with a long invocation often misses one probe.
   */
  private async watchHealth(baseUrl: string, signal: AbortSignal): Promise<string | undefined> {
    const { healthIntervalMs, readinessTimeoutMs } = this.ctx.timing;
    let failures = 0;
    let failingSince = 0;
    for await (const result of probeHealthEvery(
      baseUrl,
      healthIntervalMs,
      Math.min(1000, readinessTimeoutMs),
      signal,
    )) {
      if (result.ok) {
        if (failures >= UNHEALTHY_AFTER_FAILURES) this.log("healthy again");
        failures = 0;
        this.setReady(true);
        continue;
      }
      if (failures++ === 0) failingSince = performance.now();
      if (failures === UNHEALTHY_AFTER_FAILURES) {
        this.setReady(false);
        this.log(`health check failed ${failures} times (${result.detail}); taking no invocations until it recovers`);
      }
      const failingFor = performance.now() - failingSince;
      if (failures >= UNHEALTHY_AFTER_FAILURES && failingFor >= readinessTimeoutMs) {
        return `unhealthy for ${Math.round(failingFor)} ms (${result.detail})`;
      }
    }
    return undefined;
  }

  /** SIGTERM the group, SIGKILL it if the leader is still there after the grace. */
  private async terminate(proc: Subprocess, exited: Promise<string>): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    signalTree(proc.pid, "SIGTERM");
    const grace = new AbortController();
    const timedOut = await Promise.race([
      exited.then(() => false),
      sleep(this.ctx.timing.stopGraceMs, grace.signal).then(() => true),
    ]);
    grace.abort();
    if (timedOut) {
      this.log(`did not exit within ${this.ctx.timing.stopGraceMs} ms of SIGTERM; sending SIGKILL`);
      signalTree(proc.pid, "SIGKILL");
    }
  }
}

/** Closes the control plane's end of a replica's stdin pipe (the process is gone; free the fd). */
function closeQuietly(stdin: { end(): unknown }): void {
  try {
    void Promise.resolve(stdin.end()).catch(() => undefined);
  } catch {
    // Already closed.
  }
}
