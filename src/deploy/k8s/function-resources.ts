/**
 * @module
 * The operator's access to `functions.nanofaas.io` custom resources, through the generated client
 * (CustomObjectsApi, CoreV1Api for Events) on the project's transport (transport.ts), plus a
 * list+watch cache of them built like the readiness reflector: relist on 410, reconnect when a
 * watch ends, back off 1 s → 30 s on errors. Writes are optimistic: `replace` and `replaceStatus`
 * send the object's resourceVersion, and a 409 comes back as `ResourceConflict` for the caller to
 * re-read and retry.
 */
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import { K8sStatusError, statusCode, toBackendError } from "./errors";
import { jsonLines, type Log, reflect } from "./readiness";
import type { KubeTransport } from "./transport";

export const FUNCTION_GROUP = "nanofaas.io";
export const FUNCTION_VERSION = "v1";

export interface FunctionObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    finalizers?: string[];
    deletionTimestamp?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** Someone wrote the object since we read it (HTTP 409 on a resourceVersion-guarded write). */
export class ResourceConflict extends Error {
  constructor(
    readonly resource: string,
    plural = "functions",
  ) {
    super(`${plural}.${FUNCTION_GROUP} "${resource}" was modified concurrently`);
    this.name = "ResourceConflict";
  }
}

export type WatchEvent = "ADDED" | "MODIFIED" | "DELETED";

export interface FunctionResources {
  readonly namespace: string;
  /** Starts the list+watch; `onEvent` sees every change (the cache is updated first). */
  start(onEvent: (type: WatchEvent, obj: FunctionObject) => void): void;
  /** Resolves after the first list. */
  readonly synced: Promise<void>;
  cached(name: string): FunctionObject | undefined;
  cachedAll(): FunctionObject[];
  get(name: string): Promise<FunctionObject | undefined>;
  create(obj: FunctionObject): Promise<FunctionObject>;
  replace(obj: FunctionObject): Promise<FunctionObject>;
  replaceStatus(obj: FunctionObject): Promise<FunctionObject>;
  delete(name: string): Promise<void>;
  /** A core/v1 Event about `obj` (what `kubectl describe function` shows). */
  recordEvent(obj: FunctionObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void>;
  close(): Promise<void>;
}

export interface FunctionResourcesOptions {
  transport: KubeTransport;
  namespace: string;
  log: Log;
  watchTimeoutSeconds?: number;
}

/** Any other nanofaas.io/v1 kind (Workflow) goes through the same client, cache and guarded writes. */
export type CustomResources = FunctionResources;
export type CustomObject = FunctionObject;

export const createFunctionResources = (options: FunctionResourcesOptions): FunctionResources =>
  createCustomResources({ ...options, plural: "functions", kind: "Function" });

export function createCustomResources(
  options: FunctionResourcesOptions & { plural: string; kind: string },
): CustomResources {
  const { transport, namespace, log, plural, kind } = options;
  const custom = transport.api(CustomObjectsApi);
  const core = transport.api(CoreV1Api);
  const where = { group: FUNCTION_GROUP, version: FUNCTION_VERSION, namespace, plural };
  const cache = new Map<string, FunctionObject>();
  const watch = new FunctionWatch(transport, namespace, plural, cache, log, options.watchTimeoutSeconds ?? 240);
  const op = (verb: string, name?: string) => ({
    verb,
    resource: `${plural}.${FUNCTION_GROUP}`,
    kind,
    namespace,
    name,
  });
  // A write guarded by resourceVersion: 409 is a conflict to retry, anything else our vocabulary.
  const guarded = async (verb: string, name: string, call: () => Promise<unknown>) => {
    try {
      return (await call()) as FunctionObject;
    } catch (error) {
      if (statusCode(error) === 409) throw new ResourceConflict(name, plural);
      throw toBackendError(error, op(verb, name));
    }
  };

  return {
    namespace,
    synced: watch.synced,
    start: (onEvent) => watch.start(onEvent),
    cached: (name) => cache.get(name),
    cachedAll: () => [...cache.values()],
    async get(name) {
      try {
        return (await custom.getNamespacedCustomObject({ ...where, name })) as FunctionObject;
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw toBackendError(error, op("get", name));
      }
    },
    create: (obj) =>
      guarded("create", obj.metadata.name, () => custom.createNamespacedCustomObject({ ...where, body: obj })),
    replace: (obj) =>
      guarded("update", obj.metadata.name, () =>
        custom.replaceNamespacedCustomObject({ ...where, name: obj.metadata.name, body: obj }),
      ),
    replaceStatus: (obj) =>
      guarded("update", obj.metadata.name, () =>
        custom.replaceNamespacedCustomObjectStatus({ ...where, name: obj.metadata.name, body: obj }),
      ),
    async delete(name) {
      try {
        await custom.deleteNamespacedCustomObject({ ...where, name });
      } catch (error) {
        if (statusCode(error) !== 404) throw toBackendError(error, op("delete", name));
      }
    },
    async recordEvent(obj, type, reason, message) {
      const now = new Date();
      const involvedObject = {
        apiVersion: `${FUNCTION_GROUP}/${FUNCTION_VERSION}`,
        kind,
        name: obj.metadata.name,
        namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      };
      const body = {
        metadata: { generateName: `${obj.metadata.name}.` },
        involvedObject,
        type,
        reason,
        message: message.slice(0, 1024),
        source: { component: "nanofaas-operator" },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      };
      await core.createNamespacedEvent({ namespace, body }).catch((error) =>
        // An Event is best effort: failing to record one must not fail the reconcile.
        log("k8s_event_failed", { [kind.toLowerCase()]: obj.metadata.name, reason, error: String(error) }),
      );
    },
    close: () => watch.stop(),
  };
}

/** List, then watch from the list's resourceVersion, keeping `cache` current. */
class FunctionWatch {
  readonly synced: Promise<void>;
  private markSynced!: () => void;
  private readonly abort = new AbortController();
  private resourceVersion = "";
  private running: Promise<void> | undefined;
  private onEvent: (type: WatchEvent, obj: FunctionObject) => void = () => undefined;

  constructor(
    private readonly transport: KubeTransport,
    private readonly namespace: string,
    private readonly plural: string,
    private readonly cache: Map<string, FunctionObject>,
    private readonly log: Log,
    private readonly timeoutSeconds: number,
  ) {
    this.synced = new Promise((resolve) => {
      this.markSynced = resolve;
    });
  }

  private get path(): string {
    return `/apis/${FUNCTION_GROUP}/${FUNCTION_VERSION}/namespaces/${encodeURIComponent(this.namespace)}/${this.plural}`;
  }

  start(onEvent: (type: WatchEvent, obj: FunctionObject) => void): void {
    this.onEvent = onEvent;
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private run(): Promise<void> {
    return reflect({
      signal: this.abort.signal,
      step: async () => {
        if (!this.resourceVersion) await this.relist();
        await this.watchOnce();
      },
      expired: () => {
        this.resourceVersion = "";
      },
      failed: (error, retryInMs) =>
        this.log(this.plural === "functions" ? "k8s_function_watch_error" : "k8s_custom_watch_error", {
          resource: this.plural,
          error: String(error),
          retryInMs,
        }),
    });
  }

  private async relist(): Promise<void> {
    const response = await this.transport.get(this.path, this.abort.signal);
    if (!response.ok) throw new K8sStatusError(response.status, await response.text());
    const list = (await response.json()) as { metadata?: { resourceVersion?: string }; items?: FunctionObject[] };
    const seen = new Set<string>();
    for (const item of list.items ?? []) {
      seen.add(item.metadata.name);
      this.observe("ADDED", item);
    }
    for (const [name, obj] of [...this.cache]) if (!seen.has(name)) this.observe("DELETED", obj);
    this.resourceVersion = list.metadata?.resourceVersion ?? "";
    this.markSynced();
  }

  private async watchOnce(): Promise<void> {
    const query = new URLSearchParams({
      watch: "true",
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: "true",
      timeoutSeconds: String(this.timeoutSeconds),
    });
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout((this.timeoutSeconds + 30) * 1000)]);
    const response = await this.transport.get(`${this.path}?${query}`, signal);
    if (!response.ok || !response.body) throw new K8sStatusError(response.status, await response.text());
    for await (const line of jsonLines(response.body)) {
      const event = JSON.parse(line) as { type: string; object: FunctionObject & { code?: number } };
      if (event.type === "ERROR") throw new K8sStatusError(event.object.code ?? 500, event.object);
      this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
      if (event.type === "ADDED" || event.type === "MODIFIED" || event.type === "DELETED")
        this.observe(event.type, event.object);
    }
  }

  private observe(type: WatchEvent, obj: FunctionObject): void {
    if (type === "DELETED") this.cache.delete(obj.metadata.name);
    else this.cache.set(obj.metadata.name, obj);
    this.onEvent(type, obj);
  }
}
