/**
 * @module
 * What every local replica — a child process or a container — has in common: a ready flag whose
 * changes its replica set hears about, the endpoint it hands out while ready, log lines prefixed
 * `[fn/<name>#<index>]`, and a stop that takes it out of rotation before anything else happens.
 * Supervision itself (launch, probe, restart) differs per backend: subclasses run it as `loop`.
 */
import type { BackoffPolicy } from "../../lib/backoff";
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
}

export abstract class SupervisedReplica implements ManagedReplica {
  /** `http://host:port` of the current run, once known (before it is ready). */
  baseUrl: string | undefined;
  /** Runs started so far (spawns, containers), restarts included. */
  starts = 0;
  protected stopping = false;
  /** Aborted by `stop`: ends backoff sleeps and probes at once. */
  protected readonly stopSignal = new AbortController();
  /** The supervision loop, from `start` until the replica is gone. */
  protected loop: Promise<void> | undefined;
  protected readonly prefix: string;
  private isReady = false;

  constructor(private readonly identity: ReplicaIdentity) {
    this.prefix = `[fn/${identity.name}#${identity.index}]`;
  }

  get ready(): boolean {
    return this.isReady;
  }

  get endpoint(): string | undefined {
    return this.isReady && this.baseUrl ? `${this.baseUrl}/invoke` : undefined;
  }

  abstract start(): void | Promise<void>;

  /** Leaves rotation at once, then waits for the loop to stop the run (SIGTERM, grace, SIGKILL). */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.setReady(false);
      this.stopSignal.abort();
    }
    await this.loop;
  }

  protected log(message: string): void {
    this.identity.emit(`${this.prefix} nanofaas: ${message}`);
  }

  protected setReady(ready: boolean): void {
    if (this.isReady === ready) return;
    this.isReady = ready;
    this.identity.onReadyChange();
  }

  /** Whether a run that became ready at `readySince` lasted long enough to reset the backoff. */
  protected wasStable(readySince: number | undefined, stableAfterMs: number): boolean {
    return readySince !== undefined && performance.now() - readySince >= stableAfterMs;
  }
}
