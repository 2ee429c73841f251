/**
 * @module
 * One process-backend replica: a child process on a free loopback port, kept alive for as long as
 * the replica exists. Each run spawns the program in its own process group; readiness, health
 * probing and restarts with backoff are the shared policy (shared/supervised-replica.ts). A run
 * that must be stopped gets SIGTERM, then SIGKILL after the grace. `ready` drops the moment the
 * process exits, so a dead replica is never handed out for dispatch.
 */
import type { Subprocess } from "bun";
import { sleep } from "../../lib/sleep";
import type { LogStream } from "../../logs/log-line";
import {
  type ReplicaIdentity,
  type ReplicaRun,
  type ReplicaTiming,
  type RunVerdict,
  SupervisedReplica,
} from "../shared/supervised-replica";
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
  /** Keeps each output line for the logs route (the function's LogHub). */
  capture(stream: LogStream, line: string): void;
}

/** How long to wait for a dead replica's pipes to drain. */
const OUTPUT_DRAIN_MS = 1000;

/** One spawned process of a replica and what watches it. */
interface Run extends ReplicaRun {
  proc: ReplicaProcess;
  port: number;
  baseUrl: string;
  /** Resolves (with "exited with code N" / "killed by SIG…") once the leader has exited. */
  exited: Promise<string>;
  output: Promise<unknown>;
  /** The last line the process printed, on either stream. */
  lastLine: { text?: string };
}

export class Replica extends SupervisedReplica<Run> {
  /** PID (= process-group id) of the latest run. */
  pid: number | undefined;

  constructor(private readonly ctx: ReplicaContext) {
    super(ctx, ctx.timing, "restarting");
  }

  /** Spawns the first run synchronously (so `baseUrl` and `pid` are known on return). */
  start(): void {
    if (!this.stopping) this.loop ??= this.superviseForever();
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

  /** A run that must be stopped is terminated; returns how it exited. */
  protected async endRun(run: Run, { problem, readySince }: RunVerdict): Promise<string> {
    if (problem) this.log(`${problem}; stopping it`);
    if (problem || this.stopping) await this.terminate(run.proc, run.exited);
    const exit = await this.finish(run);
    if (this.stopping) this.log(`stopped (${exit})`);
    return readySince === undefined && !problem ? `${exit} before becoming ready` : exit;
  }

  protected override lastOutputLine(run: Run): string | undefined {
    return run.lastLine.text;
  }

  /** The usual newcomer mistake: a server hard-wired to 8080 instead of the PORT it is given. */
  protected override unreachableHint(run: Run): string {
    return `; does it listen on ${this.ctx.host}:$PORT (${run.port})?`;
  }

  /** Spawns the program on a fresh port and wires its output and exit; a string says why it could not. */
  protected launch(): Run | string {
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
    const controller = this.newRunController();
    const exited = proc.exited.then(() => {
      this.setReady(false);
      controller.abort();
      return proc.signalCode ? `killed by ${proc.signalCode}` : `exited with code ${proc.exitCode}`;
    });
    const lastLine: { text?: string } = {};
    const capture = (stream: LogStream) => (line: string) => {
      lastLine.text = line;
      this.ctx.capture(stream, line);
    };
    return {
      proc,
      port,
      lastLine,
      baseUrl: this.baseUrl,
      startedAt: performance.now(),
      exited,
      output: Promise.all([
        forwardLines(proc.stdout, this.prefix, this.ctx.emit, capture("stdout")),
        forwardLines(proc.stderr, this.prefix, this.ctx.emit, capture("stderr")),
      ]),
      signal: controller.signal,
    };
  }

  /** After the leader exited: clears up its group, port and pipes. Returns how it exited. */
  private async finish(run: Run): Promise<string> {
    const exit = await run.exited;
    // The leader is gone; anything it left behind in its group goes too (a wrapper's children).
    signalGroup(run.proc.pid, "SIGKILL");
    this.ctx.reaper.delete(run.proc.pid);
    closeQuietly(run.proc.stdin);
    this.ctx.ports.release(run.port);
    // A grandchild that escaped the group (its own setsid) could hold the pipes open forever.
    const giveUp = new AbortController();
    await Promise.race([run.output, sleep(OUTPUT_DRAIN_MS, giveUp.signal)]);
    giveUp.abort();
    return exit;
  }

  /** SIGTERM the group, SIGKILL it if the leader is still there after the grace. */
  private async terminate(proc: Subprocess, exited: Promise<string>): Promise<void> {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    signalTree(proc.pid, "SIGTERM");
    const grace = new AbortController();
    const timedOut = await Promise.race([
      exited.then(() => false),
      sleep(this.timing.stopGraceMs, grace.signal).then(() => true),
    ]);
    grace.abort();
    if (timedOut) {
      this.log(`did not exit within ${this.timing.stopGraceMs} ms of SIGTERM; sending SIGKILL`);
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
