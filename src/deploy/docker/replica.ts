/**
 * @module
 * One docker-backend replica: a container kept alive for as long as the replica exists, with the
 * same lifecycle as a process-backend replica. Each run creates and starts a container (pulling
 * the image if the daemon does not have it), polls `GET /health` until it answers 2xx (ready) or
 * the readiness budget runs out, keeps probing while it serves, and replaces it — remove, then
 * create anew, with exponential backoff — when it exits or stays unhealthy. The daemon's `die`
 * event (docker-deployer.ts) takes a replica out of rotation at once; probes are the fallback.
 */
import { backoffDelay } from "../../lib/backoff";
import { probeHealth, probeHealthEvery, readinessProbeTimeout } from "../../lib/health-probe";
import { sleep } from "../../lib/sleep";
import { type ReplicaIdentity, type ReplicaTiming, SupervisedReplica } from "../shared/supervised-replica";
import { discardContainer, exitReason, outputTail } from "./container-ops";
import { containerBaseUrl, containerName, type Placement } from "./container-spec";
import { DockerApiError, type EngineClient } from "./engine-client";

export interface ContainerReplicaContext extends ReplicaIdentity {
  image: string;
  /** The `POST /containers/create` body (container-spec.ts), validated before any replica starts. */
  spec: Record<string, unknown>;
  placement: Placement;
  engine: EngineClient;
  timing: ReplicaTiming;
  /** Tells the deployer which container this replica runs now, so `die` events find it. */
  track(containerId: string, replica: ContainerReplica | undefined): void;
}

interface Launched {
  id: string;
  /** Undefined when the container exited before Docker gave it an address. */
  baseUrl: string | undefined;
  startedAt: number;
}

/** How a run ended: why, and whether it had been ready long enough to reset the backoff. */
interface RunOutcome {
  reason: string;
  stable: boolean;
}

/** How often a replica that is not answering checks whether its container is still running. */
const STATE_CHECK_MS = 1000;
const LOG_TAIL_LINES = 20;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ContainerReplica extends SupervisedReplica {
  /** The current container, from creation until it is removed. */
  containerId: string | undefined;
  private currentRun: AbortController | undefined;

  constructor(private readonly ctx: ContainerReplicaContext) {
    super(ctx);
  }

  /** Creates and starts the first container; rejects, leaving nothing behind, if Docker refuses. */
  start(): Promise<void> {
    const first = this.launch();
    this.loop = first.then(
      (run) => this.supervise(run),
      () => undefined,
    );
    return first.then(() => undefined);
  }

  /** The daemon reported that `containerId` died: out of rotation now, the loop replaces it. */
  died(containerId: string): void {
    if (containerId !== this.containerId) return;
    this.setReady(false);
    this.currentRun?.abort();
  }

  private async launch(): Promise<Launched> {
    const { engine, image, spec, placement } = this.ctx;
    const name = containerName(this.ctx.name, this.ctx.index);
    // A container left under our name (a control plane that was killed) would block the create.
    await engine.removeContainer(name);
    let id: string;
    try {
      id = await engine.createContainer(name, spec);
    } catch (error) {
      if (!(error instanceof DockerApiError && error.status === 404 && /no such image/i.test(error.message)))
        throw error;
      this.log(`image ${image} is not on this Docker host; pulling it`);
      await engine.pullImage(image);
      id = await engine.createContainer(name, spec);
    }
    this.containerId = id;
    this.ctx.track(id, this);
    try {
      await engine.startContainer(id);
      const inspect = await engine.inspectContainer(id);
      // No address yet means it already exited: runOnce reports why, like any other exit.
      const baseUrl = inspect ? containerBaseUrl(inspect, placement) : undefined;
      this.starts++;
      this.baseUrl = baseUrl;
      this.log(`started container ${id.slice(0, 12)} (${name}, ${image})${baseUrl ? ` at ${baseUrl}` : ""}`);
      return { id, baseUrl, startedAt: performance.now() };
    } catch (error) {
      await this.discard(id);
      throw error;
    }
  }

  private async supervise(first: Launched): Promise<void> {
    let current: Launched | undefined = first;
    let failures = 0;
    while (current) {
      const outcome = this.stopping ? { reason: "stopped", stable: false } : await this.runOnce(current);
      if (!this.stopping) await this.logTail(current.id);
      await this.discard(current.id);
      if (this.stopping) {
        this.log(`container ${current.id.slice(0, 12)} stopped and removed`);
        return;
      }
      if (outcome.stable) failures = 0;
      current = await this.relaunch(outcome.reason, () => failures++);
    }
  }

  /** Backs off, then launches again until a container starts or the replica stops. */
  private async relaunch(reason: string, nextFailure: () => number): Promise<Launched | undefined> {
    let why = reason;
    while (!this.stopping) {
      const delay = backoffDelay(nextFailure(), this.ctx.timing.backoff);
      this.log(`${why}; replacing it in ${delay} ms`);
      await sleep(delay, this.stopSignal.signal);
      if (this.stopping) return undefined;
      try {
        return await this.launch();
      } catch (error) {
        why = `could not start a container: ${describe(error)}`;
      }
    }
    return undefined;
  }

  private async runOnce(run: Launched): Promise<RunOutcome> {
    const { timing } = this.ctx;
    const controller = new AbortController();
    this.currentRun = controller;
    const abortRun = () => controller.abort();
    this.stopSignal.signal.addEventListener("abort", abortRun, { once: true });
    try {
      if (!run.baseUrl) {
        const exit = await this.exitReason(run.id);
        return {
          reason: exit ? `${exit} right after starting` : "Docker reports no address for the container",
          stable: false,
        };
      }
      let readySince: number | undefined;
      let problem = await this.waitUntilHealthy(run.baseUrl, run, controller.signal);
      if (problem === "ready") {
        readySince = performance.now();
        this.setReady(true);
        this.log(`ready after ${Math.round(readySince - run.startedAt)} ms`);
        problem = await this.watchHealth(run.baseUrl, run.id, controller.signal);
      }
      this.setReady(false);
      // No problem of our own: the run was aborted by a stop or by the daemon's `die` event.
      const reason = problem ?? (this.stopping ? "stopped" : ((await this.exitReason(run.id)) ?? "container stopped"));
      return { reason, stable: this.wasStable(readySince, timing.stableAfterMs) };
    } finally {
      this.stopSignal.signal.removeEventListener("abort", abortRun);
      this.currentRun = undefined;
    }
  }

  /** "ready", why it never became ready, or undefined when the run was aborted. */
  private async waitUntilHealthy(baseUrl: string, run: Launched, signal: AbortSignal): Promise<string | undefined> {
    const { readinessTimeoutMs, probeIntervalMs } = this.ctx.timing;
    const deadline = run.startedAt + readinessTimeoutMs;
    let last = "no probe answered";
    let lastStateCheck = performance.now();
    while (!signal.aborted) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) return `not ready within ${readinessTimeoutMs} ms (last probe: ${last})`;
      const result = await probeHealth(baseUrl, signal, readinessProbeTimeout(remaining));
      if (signal.aborted) break;
      if (result.ok) return "ready";
      last = result.detail;
      // A container that exited will never answer: notice within a second, not at the deadline.
      if (performance.now() - lastStateCheck >= STATE_CHECK_MS) {
        lastStateCheck = performance.now();
        const exit = await this.exitReason(run.id);
        if (exit) return `${exit} before becoming ready`;
      }
      await sleep(Math.min(probeIntervalMs, Math.max(0, deadline - performance.now())), signal);
    }
    return undefined;
  }

  /** Probes a ready replica; returns why it must be replaced, or undefined once aborted. */
  private async watchHealth(baseUrl: string, containerId: string, signal: AbortSignal): Promise<string | undefined> {
    const { healthIntervalMs, readinessTimeoutMs } = this.ctx.timing;
    let failingSince: number | undefined;
    for await (const result of probeHealthEvery(
      baseUrl,
      healthIntervalMs,
      Math.min(1000, readinessTimeoutMs),
      signal,
    )) {
      if (result.ok) {
        if (failingSince !== undefined) this.log("healthy again");
        failingSince = undefined;
        this.setReady(true);
        continue;
      }
      const exit = await this.exitReason(containerId);
      if (exit) return exit;
      const now = performance.now();
      if (failingSince === undefined) {
        failingSince = now;
        this.setReady(false);
        this.log(`health check failed (${result.detail}); taking no invocations until it recovers`);
      } else if (now - failingSince >= readinessTimeoutMs) {
        return `unhealthy for ${Math.round(now - failingSince)} ms (${result.detail})`;
      }
    }
    return undefined;
  }

  private exitReason(id: string): Promise<string | undefined> {
    return exitReason(this.ctx.engine, id);
  }

  /** Forwards the end of a failed container's output: it is about to be removed with it. */
  private async logTail(id: string): Promise<void> {
    for (const line of await outputTail(this.ctx.engine, id, LOG_TAIL_LINES)) this.ctx.emit(`${this.prefix} ${line}`);
  }

  private async discard(id: string): Promise<void> {
    this.ctx.track(id, undefined);
    if (this.containerId === id) this.containerId = undefined;
    await discardContainer(this.ctx.engine, id, this.ctx.timing.stopGraceMs, (message) => this.log(message));
  }
}
