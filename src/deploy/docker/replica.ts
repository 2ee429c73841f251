/**
 * @module
 * One docker-backend replica: a container kept alive for as long as the replica exists, with the
 * same lifecycle and failure policy as a process-backend replica (shared/supervised-replica.ts).
 * Each run creates and starts a container (pulling the image if the daemon does not have it); a
 * run that ends is replaced — remove, then create anew after the backoff. The daemon's `die` event
 * (docker-deployer.ts) takes a replica out of rotation at once; probes are the fallback, and while
 * a container does not answer its state is asked for, so an exit is noticed within a second.
 */
import {
  type ReplicaIdentity,
  type ReplicaRun,
  type ReplicaTiming,
  type RunVerdict,
  SupervisedReplica,
} from "../shared/supervised-replica";
import { discardContainer, exitReason, outputTail } from "./container-ops";
import { containerBaseUrl, containerName, type Placement } from "./container-spec";
import { DockerApiError, type EngineClient } from "./engine-client";
import { followContainerLogs } from "./log-follower";
import type { LogStream } from "../../logs/log-line";

export interface ContainerReplicaContext extends ReplicaIdentity {
  image: string;
  /** The `POST /containers/create` body (container-spec.ts), validated before any replica starts. */
  spec: Record<string, unknown>;
  placement: Placement;
  engine: EngineClient;
  timing: ReplicaTiming;
  /** Tells the deployer which container this replica runs now, so `die` events find it. */
  track(containerId: string, replica: ContainerReplica | undefined): void;
  /** Keeps each output line of the replica's containers for the logs route (the function's LogHub). */
  capture(stream: LogStream, line: string): void;
}

/** One container of a replica; `baseUrl` is undefined when it exited before Docker gave it an address. */
interface Launched extends ReplicaRun {
  id: string;
  /** The last line of its output, read when it failed (for `lastError`). */
  lastLine?: string;
}

const LOG_TAIL_LINES = 20;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ContainerReplica extends SupervisedReplica<Launched> {
  /** The current container, from creation until it is removed. */
  containerId: string | undefined;
  /** Ends the following of each container's logs once it is removed (log-follower.ts). */
  private readonly logFollows = new Map<string, AbortController>();

  constructor(private readonly ctx: ContainerReplicaContext) {
    super(ctx, ctx.timing, "replacing it");
  }

  /** Creates and starts the first container; rejects, leaving nothing behind, if Docker refuses. */
  start(): Promise<void> {
    const first = this.create();
    this.loop = first.then(
      (run) => this.superviseForever(run),
      () => undefined,
    );
    return first.then(() => undefined);
  }

  /** The daemon reported that `containerId` died: out of rotation now, the loop replaces it. */
  died(containerId: string): void {
    if (containerId !== this.containerId) return;
    this.setReady(false);
    this.abortRun();
  }

  /** Later runs: a container that cannot be started is a reason to try again after the backoff. */
  protected launch(): Promise<Launched | string> {
    return this.create().catch((error: unknown) => `could not start a container: ${describe(error)}`);
  }

  /** The container's output tail is logged unless the replica stops; then it is removed. */
  protected async endRun(run: Launched, { problem }: RunVerdict): Promise<string> {
    // No problem of our own: the run was aborted by a stop or by the daemon's `die` event.
    const reason = problem ?? (this.stopping ? "stopped" : ((await this.exitReason(run)) ?? "container stopped"));
    if (!this.stopping) run.lastLine = await this.logTail(run.id);
    await this.discard(run.id);
    if (this.stopping) this.log(`container ${run.id.slice(0, 12)} stopped and removed`);
    return reason;
  }

  protected override async noAddress(run: Launched): Promise<string> {
    const exit = await this.exitReason(run);
    return exit ? `${exit} right after starting` : "Docker reports no address for the container";
  }

  protected override exitReason(run: Launched): Promise<string | undefined> {
    return exitReason(this.ctx.engine, run.id);
  }

  private async create(): Promise<Launched> {
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
      this.followLogs(id);
      const inspect = await engine.inspectContainer(id);
      // No address yet means it already exited: noAddress reports why, like any other exit.
      const baseUrl = inspect ? containerBaseUrl(inspect, placement) : undefined;
      this.starts++;
      this.baseUrl = baseUrl;
      this.log(`started container ${id.slice(0, 12)} (${name}, ${image})${baseUrl ? ` at ${baseUrl}` : ""}`);
      return { id, baseUrl, startedAt: performance.now(), signal: this.newRunController().signal };
    } catch (error) {
      await this.discard(id);
      throw error;
    }
  }

  /** Forwards the end of a failed container's output (it is about to be removed); returns its last line. */
  private async logTail(id: string): Promise<string | undefined> {
    const lines = await outputTail(this.ctx.engine, id, LOG_TAIL_LINES);
    for (const line of lines) this.ctx.emit(`${this.prefix} ${line}`);
    return lines.at(-1);
  }

  protected override lastOutputLine(run: Launched): string | undefined {
    return run.lastLine;
  }

  /** Collects the container's output, from its first line, into the log hub until it is removed. */
  private followLogs(id: string): void {
    const stop = new AbortController();
    this.logFollows.set(id, stop);
    void followContainerLogs(this.ctx.engine, id, this.ctx.capture, stop.signal).then((problem) => {
      if (problem && this.logFollows.has(id)) this.log(`container ${id.slice(0, 12)}: ${problem}`);
    });
  }

  private async discard(id: string): Promise<void> {
    this.ctx.track(id, undefined);
    if (this.containerId === id) this.containerId = undefined;
    await discardContainer(this.ctx.engine, id, this.timing.stopGraceMs, (message) => this.log(message));
    // Removal ends Docker's stream with the container's last lines; this only frees a stuck one.
    this.logFollows.get(id)?.abort();
    this.logFollows.delete(id);
  }
}
