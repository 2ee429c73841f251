/**
 * @module
 * One local replica — a child process or a container — kept alive for as long as it exists, with
 * the one failure policy both local backends share. Each run is launched by the backend, polled on
 * `GET /health` until it answers 2xx (ready) or the readiness budget runs out, and probed while it
 * serves, like a Kubernetes readiness probe with failureThreshold 3: three failed probes in a row
 * take it out of rotation, a success puts it back, and one unhealthy for the readiness budget is
 * stopped. Whenever a run ends, a new one starts after an exponential backoff that resets after a
 * run that stayed ready `stableAfterMs`. What a run is, and how it is started and cleared away,
 * stays with the backend (`launch`, `endRun`).
 *
 * Also shared: the ready flag the replica set hears about, the endpoint handed out while ready,
 * log lines prefixed `[fn/<name>#<index>]`, and a stop that leaves rotation before anything else.
 */
import { type BackoffPolicy, backoffDelay } from "../../lib/backoff";
import { probeHealth, probeHealthEvery, readinessProbeTimeout } from "../../lib/health-probe";
import { sleep } from "../../lib/sleep";
import type { ManagedReplica } from "./replica-set";

export interface ReplicaTiming {
  readinessTimeoutMs: number;
  /** Poll period while waiting for readiness. */
  probeIntervalMs: number;
  /** Probe period once ready; a replica unhealthy for `readinessTimeoutMs` is restarted. */
  healthIntervalMs: number;
  /** SIGTERM → SIGKILL grace when stopping (Docker rounds it up to whole seconds). */
  stopGraceMs: number;
  backoff: BackoffPolicy;
  /** A run that stayed ready this long resets the backoff to its base. */
  stableAfterMs: number;
}

export interface ReplicaIdentity {
  name: string;
  index: number;
  emit(line: string): void;
  onReadyChange(): void;
  /** A run failed and `lastError` says why (the set fails waiting sync callers when none is ready). */
  onFailed?(): void;
}

/** One run of a replica (one process, one container) as the shared supervision sees it. */
export interface ReplicaRun {
  /** `http://host:port`, or undefined when the run got no address (it exited at once). */
  baseUrl: string | undefined;
  startedAt: number;
  /** From `newRunController`: aborted when the run ends by itself or the replica stops. */
  signal: AbortSignal;
}

/** How the supervision of a run ended. */
export interface RunVerdict {
  /** Why the run must be stopped; undefined when it ended by itself or the replica is stopping. */
  problem?: string;
  /** When it became ready, if it did. */
  readySince?: number;
}

/** Consecutive failed probes that take a ready replica out of rotation. */
export const UNHEALTHY_AFTER_FAILURES = 3;

/** While a run does not answer, how often to ask the backend whether it has exited. */
const EXIT_CHECK_MS = 1000;

type Readiness = { ready: true } | { ready: false; problem?: string };

export abstract class SupervisedReplica<Run extends ReplicaRun> implements ManagedReplica {
  /** `http://host:port` of the current run, once known (before it is ready). */
  baseUrl: string | undefined;
  /** Runs started so far (spawns, containers), restarts included. */
  starts = 0;
  /**
   * Why the latest run failed, with the last line it printed (e.g. "handler failed to load: Cannot
   * find module …; exited with code 1 before becoming ready"); cleared when a run becomes ready.
   */
  lastError: string | undefined;
  protected stopping = false;
  /** Aborted by `stop`: ends backoff sleeps and probes at once. */
  protected readonly stopSignal = new AbortController();
  /** The supervision loop, from `start` until the replica is gone. */
  protected loop: Promise<void> | undefined;
  protected readonly prefix: string;
  private isReady = false;
  private runController: AbortController | undefined;
  private unlinkRun: (() => void) | undefined;

  /** `restartVerb` words the backoff log line: "<why>; <restartVerb> in <n> ms". */
  constructor(
    private readonly identity: ReplicaIdentity,
    protected readonly timing: ReplicaTiming,
    private readonly restartVerb: string,
  ) {
    this.prefix = `[fn/${identity.name}#${identity.index}]`;
  }

  get ready(): boolean {
    return this.isReady;
  }

  get endpoint(): string | undefined {
    return this.isReady && this.baseUrl ? `${this.baseUrl}/invoke` : undefined;
  }

  abstract start(): void | Promise<void>;

  /** Starts one run; a string says why it could not (the loop retries after the backoff). */
  protected abstract launch(): Run | string | Promise<Run | string>;

  /** Stops what is left of a run (SIGTERM, grace, SIGKILL; remove) and frees it; returns why it ended. */
  protected abstract endRun(run: Run, verdict: RunVerdict): Promise<string>;

  /** Whether the run has exited, asked while it does not answer (backends without an exit signal). */
  protected exitReason(_run: Run): Promise<string | undefined> {
    return Promise.resolve(undefined);
  }

  /** The last line a run printed, if the backend saw its output (for `lastError`). */
  protected lastOutputLine(_run: Run): string | undefined {
    return undefined;
  }

  /** Appended to "not ready within …" when no probe got any HTTP answer. */
  protected unreachableHint(_run: Run): string {
    return "";
  }

  /** Why a run that got no address cannot be supervised. */
  protected noAddress(_run: Run): Promise<string> {
    return Promise.resolve("the run has no address");
  }

  /** Leaves rotation at once, then waits for the loop to stop the run (SIGTERM, grace, SIGKILL). */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.setReady(false);
      this.stopSignal.abort();
    }
    await this.loop;
  }

  /**
   * Runs after run until the replica stops, `first` (already launched) first. Each failed or ended
   * run is followed by a backoff; a run that stayed ready long enough resets it.
   */
  protected async superviseForever(first?: Run): Promise<void> {
    let failures = 0;
    let launched: Run | string | undefined = first;
    while (!this.stopping) {
      const run = launched ?? (await this.launch());
      launched = undefined;
      let reason: string;
      let stable = false;
      if (typeof run === "string") {
        reason = run;
      } else {
        const verdict = await this.supervise(run);
        this.setReady(false);
        reason = await this.endRun(run, verdict);
        this.finishRun();
        stable = this.wasStable(verdict.readySince);
        if (!this.stopping) this.lastError = failureSummary(reason, this.lastOutputLine(run));
      }
      if (this.stopping) break;
      if (typeof run === "string") this.lastError = reason;
      this.identity.onFailed?.();
      if (stable) failures = 0;
      const delay = backoffDelay(failures++, this.timing.backoff);
      this.log(`${reason}; ${this.restartVerb} in ${delay} ms`);
      await sleep(delay, this.stopSignal.signal);
    }
  }

  /** The abort controller of a new run, linked to `stop`; `launch` calls it once per run. */
  protected newRunController(): AbortController {
    const controller = new AbortController();
    const stop = this.stopSignal.signal;
    const abort = () => controller.abort();
    if (stop.aborted) controller.abort();
    else stop.addEventListener("abort", abort, { once: true });
    this.unlinkRun = () => stop.removeEventListener("abort", abort);
    this.runController = controller;
    return controller;
  }

  /** Ends the supervision of the current run now (the backend learnt that it died). */
  protected abortRun(): void {
    this.runController?.abort();
  }

  protected log(message: string): void {
    this.identity.emit(`${this.prefix} nanofaas: ${message}`);
  }

  protected setReady(ready: boolean): void {
    if (this.isReady === ready) return;
    this.isReady = ready;
    this.identity.onReadyChange();
  }

  private finishRun(): void {
    this.unlinkRun?.();
    this.unlinkRun = undefined;
    this.runController = undefined;
  }

  /** Readiness, then health watching, until the run ends or must be stopped. */
  private async supervise(run: Run): Promise<RunVerdict> {
    if (run.signal.aborted) return {};
    if (!run.baseUrl) return { problem: await this.noAddress(run) };
    const readiness = await this.waitUntilHealthy(run, run.baseUrl);
    if (!readiness.ready) return { problem: readiness.problem };
    const readySince = performance.now();
    this.lastError = undefined;
    this.setReady(true);
    this.log(`ready after ${Math.round(readySince - run.startedAt)} ms`);
    return { problem: await this.watchHealth(run, run.baseUrl), readySince };
  }

  /** Polls `/health` every probeIntervalMs until 2xx, the readiness deadline, an exit or an abort. */
  private async waitUntilHealthy(run: Run, baseUrl: string): Promise<Readiness> {
    const { readinessTimeoutMs, probeIntervalMs } = this.timing;
    const deadline = run.startedAt + readinessTimeoutMs;
    let last = "no probe answered";
    let reachable = false;
    let lastExitCheck = performance.now();
    while (!run.signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) {
        const hint = reachable ? "" : this.unreachableHint(run);
        return { ready: false, problem: `not ready within ${readinessTimeoutMs} ms (last probe: ${last}${hint})` };
      }
      // A floor on the probe timeout (readinessProbeTimeout): a probe squeezed into the last
      // millisecond would report a meaningless timeout instead of what the program answered.
      const result = await probeHealth(baseUrl, run.signal, readinessProbeTimeout(remaining));
      if (run.signal.aborted) break;
      if (result.ok) return { ready: true };
      last = result.detail;
      reachable ||= result.kind === "answered";
      // A run that exited will never answer: notice within a second, not at the deadline.
      if (performance.now() - lastExitCheck >= EXIT_CHECK_MS) {
        lastExitCheck = performance.now();
        const exit = await this.exitReason(run);
        if (exit) return { ready: false, problem: `${exit} before becoming ready` };
      }
      await sleep(Math.min(probeIntervalMs, Math.max(0, deadline - performance.now())), run.signal);
    }
    return { ready: false };
  }

  /**
   * Probes a ready run; returns why it must be stopped, or undefined once aborted. One slow answer
   * does not take it out of rotation: a single-threaded pod busy with a long invocation often
   * misses one probe.
   */
  private async watchHealth(run: Run, baseUrl: string): Promise<string | undefined> {
    const { healthIntervalMs, readinessTimeoutMs } = this.timing;
    let failures = 0;
    let failingSince = 0;
    const probeTimeoutMs = Math.min(1000, readinessTimeoutMs);
    for await (const result of probeHealthEvery(baseUrl, healthIntervalMs, probeTimeoutMs, run.signal)) {
      if (result.ok) {
        if (failures >= UNHEALTHY_AFTER_FAILURES) this.log("healthy again");
        failures = 0;
        this.setReady(true);
        continue;
      }
      const exit = await this.exitReason(run);
      if (exit) return exit;
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

  /** Whether a run that became ready at `readySince` lasted long enough to reset the backoff. */
  private wasStable(readySince: number | undefined): boolean {
    return readySince !== undefined && performance.now() - readySince >= this.timing.stableAfterMs;
  }
}

/** Longest `lastError`: a status field, not a log. */
const MAX_ERROR_CHARS = 500;

/**
 * "<what the run last said>; <how it ended>". A runtime's JSON line says it as `message` and
 * `error` ({"message":"handler failed to load","error":"Cannot find module …"}).
 */
export function failureSummary(reason: string, lastLine: string | undefined): string {
  const said = lastLine?.trim() ? readableLine(lastLine.trim()) : undefined;
  const text = said ? `${said}; ${reason}` : reason;
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

function readableLine(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const { message, msg, error } = JSON.parse(line) as Record<string, unknown>;
    const what = typeof message === "string" ? message : typeof msg === "string" ? msg : undefined;
    if (what === undefined) return line;
    return typeof error === "string" ? `${what}: ${error}` : what;
  } catch {
    return line;
  }
}
