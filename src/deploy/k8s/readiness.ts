/**
 * @module
 * Ready replicas of every function Deployment, kept current by one list+watch (a reflector, as
 * client-go's informers) instead of a read per invocation. The loop relists when the API server
 * says the resourceVersion is too old (410), reconnects at once when a watch ends normally (the
 * server closes it after `timeoutSeconds`), and backs off 1 s → 30 s on errors, logging each —
 * with the RBAC verb to grant on 403 — so a broken watch is visible and heals itself. (The
 * client library's ListWatch stops for good on the first non-timeout error, and its Watch uses
 * undici, which loses the kubeconfig's TLS settings under Bun; see transport.ts.)
 */
import { K8sStatusError, toBackendError } from "./errors";
import { FUNCTION_LABEL, FUNCTION_NAME_ANNOTATION } from "./labels";
import type { KubeTransport } from "./transport";

export type Log = (event: string, fields?: Record<string, unknown>) => void;

export interface ReadinessOptions {
  transport: KubeTransport;
  namespace: string;
  onChange: (name: string, ready: number) => void;
  log: Log;
  /** How long the API server keeps one watch open (it then ends it and we resume). */
  watchTimeoutSeconds?: number;
  maxBackoffMs?: number;
}

interface DeploymentLike {
  metadata?: {
    name?: string;
    resourceVersion?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

// The annotation holds names a label cannot (`Trailing_`); objects of older versions have only the label.
const functionName = (d: DeploymentLike) =>
  d.metadata?.annotations?.[FUNCTION_NAME_ANNOTATION] ??
  d.metadata?.labels?.[FUNCTION_LABEL] ??
  d.metadata?.name?.replace(/^fn-/, "") ??
  "";
// A Deployment being deleted takes no new work even while its pods still pass readiness.
const readyOf = (d: DeploymentLike) => (d.metadata?.deletionTimestamp ? 0 : (d.status?.readyReplicas ?? 0));

export class DeploymentReadiness {
  readonly synced: Promise<void>;
  private readonly ready = new Map<string, number>();
  private readonly requested = new Map<string, number>();
  private readonly abort = new AbortController();
  private resourceVersion = "";
  private phase: "list" | "watch" = "list";
  private running: Promise<void> | undefined;
  private markSynced!: () => void;

  constructor(private readonly options: ReadinessOptions) {
    this.synced = new Promise((resolve) => {
      this.markSynced = resolve;
    });
  }

  get(name: string): number {
    return this.ready.get(name) ?? 0;
  }

  /** The Deployment's spec.replicas as last seen, undefined when there is no Deployment. */
  requestedReplicas(name: string): number | undefined {
    return this.requested.get(name);
  }

  /** Forgets a function at once (deprovision), without waiting for the DELETED event. */
  forget(name: string): void {
    this.requested.delete(name);
    this.set(name, 0);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private get basePath(): string {
    return `/apis/apps/v1/namespaces/${encodeURIComponent(this.options.namespace)}/deployments`;
  }

  private run(): Promise<void> {
    return reflect({
      signal: this.abort.signal,
      maxBackoffMs: this.options.maxBackoffMs,
      step: async () => {
        if (!this.resourceVersion) await this.relist();
        await this.watchOnce();
      },
      expired: () => {
        this.resourceVersion = ""; // too old: start again from a fresh list
      },
      failed: (error, retryInMs) => {
        const op = {
          verb: this.phase,
          kind: "Deployment",
          resource: "deployments.apps",
          namespace: this.options.namespace,
        };
        this.options.log("k8s_watch_error", { error: toBackendError(error, op).message, retryInMs });
      },
    });
  }

  private async relist(): Promise<void> {
    this.phase = "list";
    const query = new URLSearchParams({ labelSelector: FUNCTION_LABEL });
    const response = await this.options.transport.get(`${this.basePath}?${query}`, this.abort.signal);
    if (!response.ok) throw new K8sStatusError(response.status, await response.text());
    const list = (await response.json()) as { metadata?: { resourceVersion?: string }; items?: DeploymentLike[] };
    const seen = new Set<string>();
    for (const item of list.items ?? []) {
      seen.add(functionName(item));
      this.observe(item);
    }
    for (const name of [...this.ready.keys(), ...this.requested.keys()]) if (!seen.has(name)) this.forget(name);
    this.resourceVersion = list.metadata?.resourceVersion ?? "";
    this.markSynced();
  }

  private async watchOnce(): Promise<void> {
    this.phase = "watch";
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 240;
    const query = new URLSearchParams({
      watch: "true",
      labelSelector: FUNCTION_LABEL,
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: "true",
      timeoutSeconds: String(timeoutSeconds),
    });
    // Guard against a connection that dies silently: the server should end the watch itself.
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout((timeoutSeconds + 30) * 1000)]);
    const response = await this.options.transport.get(`${this.basePath}?${query}`, signal);
    if (!response.ok || !response.body) throw new K8sStatusError(response.status, await response.text());
    for await (const line of jsonLines(response.body)) {
      const event = JSON.parse(line) as { type: string; object: DeploymentLike & { code?: number } };
      if (event.type === "ERROR") throw new K8sStatusError(event.object.code ?? 500, event.object);
      this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
      if (event.type === "ADDED" || event.type === "MODIFIED") this.observe(event.object);
      else if (event.type === "DELETED") this.forget(functionName(event.object));
    }
  }

  private observe(deployment: DeploymentLike): void {
    const name = functionName(deployment);
    this.requested.set(name, deployment.spec?.replicas ?? 1);
    this.set(name, readyOf(deployment));
  }

  private set(name: string, ready: number): void {
    const before = this.ready.get(name) ?? 0;
    if (ready === 0) this.ready.delete(name);
    else this.ready.set(name, ready);
    if (before !== ready) this.options.onChange(name, ready);
  }
}

/**
 * The loop every reflector runs: `step` (list when needed, then one watch) again and again; after a
 * 410 `expired` (forget the resourceVersion) and at once again; after other errors `failed`, then a
 * backoff of 1 s doubling to `maxBackoffMs` (30 s), reset by a step that ends normally.
 */
export async function reflect(loop: {
  signal: AbortSignal;
  maxBackoffMs?: number;
  step(): Promise<void>;
  expired(): void;
  failed(error: unknown, retryInMs: number): void;
}): Promise<void> {
  let backoffMs = 0;
  while (!loop.signal.aborted) {
    try {
      await loop.step();
      backoffMs = 0;
    } catch (error) {
      if (loop.signal.aborted) return;
      if (error instanceof K8sStatusError && error.code === 410) {
        loop.expired();
        continue;
      }
      backoffMs = Math.min(loop.maxBackoffMs ?? 30_000, Math.max(1000, backoffMs * 2));
      loop.failed(error, backoffMs);
      await abortableSleep(backoffMs, loop.signal);
    }
  }
}

export async function* jsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      for (let newline = buffer.indexOf("\n"); newline >= 0; newline = buffer.indexOf("\n")) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) yield line;
      }
    }
  } finally {
    // Closes the connection too when we stop early (an ERROR event, or shutdown).
    await reader.cancel().catch(() => undefined);
  }
  if (buffer.trim()) yield buffer.trim();
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
