/**
 * @module
 * A fake Kubernetes API server for tests: the real REST paths and object shapes for Deployments
 * (with the scale subresource), Services, autoscaling/v2 HPAs, batch/v1 Jobs and core Events — and
 * custom resources: a posted CustomResourceDefinition serves its kind under its group, with the
 * status subresource, finalizers and resourceVersion conflicts (k8s-custom-resources.ts) — so the
 * real `@kubernetes/client-node` runs against it unmodified. It speaks create/get/list/watch (with
 * resourceVersion, 410 after `compact()`)/update/patch (merge, strategic, JSON)/delete, checks the
 * bearer token and, given rules, RBAC — answering errors with the API server's Status shape.
 * No controllers: tests drive status (`setReadyReplicas`, `setJobStatus`).
 *
 * Served with `node:http`, not `Bun.serve`: a watch must send its headers before the first event
 * (ARCHITECTURE.md, known traps), which `res.flushHeaders()` does.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import type { RbacRule } from "../../src/deploy/k8s/rbac";
import {
  applyWrite,
  CRD_RESOURCE,
  establishedStatus,
  generatedName,
  hasFinalizers,
  preconditionOf,
  type Resource,
  resourcesOfCrd,
} from "./k8s-custom-resources";
import { PodLogStore } from "./k8s-pod-logs";

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON in this fake.
type Obj = any;

const RESOURCES: Resource[] = [
  CRD_RESOURCE,
  { group: "", version: "v1", plural: "events", kind: "Event" },
  { group: "apps", version: "v1", plural: "deployments", kind: "Deployment" },
  { group: "", version: "v1", plural: "services", kind: "Service" },
  { group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler" },
  { group: "batch", version: "v1", plural: "jobs", kind: "Job" },
  // Function pods, seeded by tests (no controllers); their logs come from k8s-pod-logs.ts.
  { group: "", version: "v1", plural: "pods", kind: "Pod" },
  // Leader election (src/ha/lease-elector.ts): writes are resourceVersion-guarded like every object here.
  { group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease" },
];

const apiVersionOf = (r: Resource) => (r.group ? `${r.group}/${r.version}` : r.version);
/** `deployments.apps`, `services`: how the API server names a resource in messages. */
const qualified = (r: Resource) => (r.group ? `${r.plural}.${r.group}` : r.plural);

/** One request as received; `resource` is the RBAC resource (`deployments`, `deployments/scale`…). */
export interface RecordedRequest {
  verb: string;
  method: string;
  resource: string;
  apiGroup: string;
  namespace: string;
  name?: string;
  contentType?: string;
  body?: unknown;
}
/** A canned error for the next request with this verb and resource (e.g. 422 Invalid, 500). */
export interface InjectedFailure {
  verb: string;
  resource: string;
  code: number;
  reason: string;
  message: string;
  causes?: { field: string; message: string }[];
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: Obj = {},
  ) {
    super(message);
  }
  get status(): Obj {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const named = (v: unknown) => isObj(v) && typeof v.name === "string";

/** RFC 7386 merge; with `byName`, lists of named objects merge per name (strategic merge, simplified). */
function merge(target: Obj, patch: Obj, byName: boolean): Obj {
  if (Array.isArray(patch)) {
    if (!byName || !Array.isArray(target) || !patch.every(named) || !target.every(named)) return patch;
    const merged = target.map((t: Obj) => merge(t, patch.find((p: Obj) => p.name === t.name) ?? {}, true));
    return [...merged, ...patch.filter((p: Obj) => !target.some((t: Obj) => t.name === p.name))];
  }
  if (!isObj(patch)) return patch;
  const out = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v, byName);
  }
  return out;
}

/** RFC 6902 add, replace and remove (the client's default patch type). */
function jsonPatch(doc: Obj, ops: Obj[]): Obj {
  const root = structuredClone(doc);
  for (const op of ops) {
    const parts = String(op.path)
      .split("/")
      .slice(1)
      .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"));
    const last = parts.pop() ?? "";
    let parent = root;
    for (const p of parts) parent = parent?.[p];
    if (parent === undefined) throw new ApiError(422, "Invalid", `json patch: path ${op.path} does not exist`);
    if (Array.isArray(parent)) {
      const i = last === "-" ? parent.length : Number(last);
      if (op.op === "add") parent.splice(i, 0, op.value);
      else if (op.op === "remove") parent.splice(i, 1);
      else parent[i] = op.value;
    } else if (op.op === "remove") delete parent[last];
    else parent[last] = op.value;
  }
  return root;
}

/** `a=b,c!=d,e,!f` against labels. */
function selectorMatches(selector: string | null, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split(/!?=/) as [string, string | undefined];
    if (v === undefined) return term.startsWith("!") ? !(term.slice(1) in labels) : k in labels;
    return term.includes("!=") ? labels[k] !== v : labels[k] === v;
  });
}

interface Watcher {
  res: Resource;
  ns: string;
  selector: string | null;
  out: http.ServerResponse;
}

export class FakeKubeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** What each pod's container printed: `podLogs.print(ns, pod, text)`; served at pods/{name}/log. */
  readonly podLogs = new PodLogStore();
  /** When set, every request outside these rules is answered 403 Forbidden. */
  rbac: readonly RbacRule[] | undefined;
  private readonly store = new Map<string, Obj>();
  private readonly history: { rv: number; type: string; res: Resource; object: Obj }[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly failures: InjectedFailure[] = [];
  /** Built-in types plus those the posted CustomResourceDefinitions define. */
  private resources: Resource[] = [...RESOURCES];
  private rv = 100;
  private uid = 0;
  /** Watches from a resourceVersion below this get 410 Expired, as after etcd compaction. */
  private compactedRv = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    readonly token: string,
  ) {}

  static async start(options: { token?: string; rbac?: readonly RbacRule[] } = {}): Promise<FakeKubeApiServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const fake = new FakeKubeApiServer(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      options.token ?? "test-token",
    );
    fake.rbac = options.rbac;
    server.on("request", (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** A KubeConfig for this server: bearer token over plain HTTP (the client needs skipTLSVerify for http). */
  kubeConfig(namespace = "default"): KubeConfig {
    const kc = new KubeConfig();
    const contexts = [{ name: "fake", cluster: "fake", user: "sa", namespace }];
    kc.loadFromOptions({
      clusters: [{ name: "fake", server: this.url, skipTLSVerify: true }],
      users: [{ name: "sa", token: this.token }],
      contexts,
      currentContext: "fake",
    });
    return kc;
  }

  get(plural: string, ns: string, name: string): Obj | undefined {
    return structuredClone(this.store.get(`${plural}/${ns}/${name}`));
  }
  list(plural: string, ns: string): Obj[] {
    return [...this.store.entries()]
      .filter(([k]) => k.startsWith(`${plural}/${ns}/`))
      .map(([, v]) => structuredClone(v));
  }
  /** Puts an object in place as if someone had created it earlier. */
  seed(plural: string, ns: string, body: Obj): Obj {
    return this.create(this.resource(plural), ns, body);
  }
  failNext = (failure: InjectedFailure) => void this.failures.push(failure);
  /** What the Deployment controller and kubelets would report once `ready` pods pass readiness. */
  setReadyReplicas(ns: string, name: string, ready: number): void {
    const obj = this.mustGet("deployments", ns, name);
    const { readyReplicas: _r, availableReplicas: _a, ...rest } = obj.status ?? {};
    // The API server omits zero-valued status counters (omitempty).
    obj.status = {
      ...rest,
      replicas: obj.spec.replicas,
      updatedReplicas: ready,
      observedGeneration: obj.metadata.generation,
    };
    if (ready > 0) Object.assign(obj.status, { readyReplicas: ready, availableReplicas: ready });
    this.emit("MODIFIED", this.resource("deployments"), obj);
  }
  setJobStatus(ns: string, name: string, status: Obj): void {
    this.emit("MODIFIED", this.resource("jobs"), Object.assign(this.mustGet("jobs", ns, name), { status }));
  }

  /** Ends every open watch, as an API server does after `timeoutSeconds` or on restart. */
  dropWatches(): void {
    for (const w of this.watchers) w.out.end();
    this.watchers.clear();
  }
  /** Forgets history: older resourceVersions now answer 410 Expired. */
  compact(): void {
    this.compactedRv = this.rv;
  }

  async close(): Promise<void> {
    this.dropWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const text = Buffer.concat(await Array.fromAsync(req)).toString("utf8");
    try {
      if (req.headers.authorization !== `Bearer ${this.token}`) throw new ApiError(401, "Unauthorized", "Unauthorized");
      const url = new URL(req.url ?? "/", this.url);
      const m =
        /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(
          url.pathname,
        );
      const res0 =
        m &&
        this.resources.find(
          (r) =>
            r.plural === m[5] &&
            r.group === (m[1] ? "" : m[2]) &&
            r.version === (m[1] ?? m[3]) &&
            (r.namespaced === false) === (m[4] === undefined),
        );
      if (!m || !res0 || (m[7] && !subresourceServed(res0, m[7])))
        throw new ApiError(404, "NotFound", `the server could not find the requested resource (${url.pathname})`);
      const [ns, name, sub] = [m[4] ?? "", m[6], m[7]];
      const watching = url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1";
      const verb = verbOf(req.method ?? "GET", name, watching);
      const body = text ? JSON.parse(text) : undefined;
      const resource = sub ? `${res0.plural}/${sub}` : res0.plural;
      this.requests.push({
        verb,
        method: req.method ?? "",
        resource,
        apiGroup: res0.group,
        namespace: ns,
        name,
        contentType: req.headers["content-type"],
        body,
      });
      this.authorize(verb, res0, resource, ns, name);
      const f = this.failures.find((f) => f.verb === verb && f.resource === resource);
      if (f) this.failures.splice(this.failures.indexOf(f), 1);
      if (f)
        throw new ApiError(f.code, f.reason, f.message, {
          name,
          group: res0.group,
          kind: res0.plural,
          causes: f.causes,
        });
      if (verb === "watch") return this.watch(res0, ns, url.searchParams, res);
      if (sub === "log") {
        const refused = this.podLogs.serve(ns, this.mustGet("pods", ns, name!), url.searchParams, res);
        if (refused) throw new ApiError(refused[0], "BadRequest", refused[1]);
        return;
      }
      const [status, out] = this.dispatch(
        verb,
        res0,
        ns,
        name,
        sub,
        body,
        url.searchParams,
        String(req.headers["content-type"]),
      );
      send(res, status, out);
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(500, "InternalError", String(caught));
      send(res, error.code, error.status);
    }
  }

  private authorize(verb: string, res: Resource, resource: string, ns: string, name?: string): void {
    if (
      !this.rbac ||
      this.rbac.some((r) => r.apiGroup === res.group && r.resource === resource && r.verbs.includes(verb))
    )
      return;
    const what = `${qualified(res)}${name ? ` "${name}"` : ""}`;
    throw new ApiError(
      403,
      "Forbidden",
      `${what} is forbidden: User "system:serviceaccount:nanofaas:nanofaas-control-plane" cannot ${verb} resource "${resource}" in API group "${res.group}" in the namespace "${ns}"`,
      { name, group: res.group, kind: res.plural },
    );
  }

  private dispatch(
    verb: string,
    res: Resource,
    ns: string,
    name: string | undefined,
    sub: string | undefined,
    body: Obj,
    q: URLSearchParams,
    contentType: string,
  ): [number, Obj] {
    if (verb === "create") return [201, this.create(res, ns, body)];
    if (verb === "list") {
      const items = this.list(res.plural, ns).filter((o) => selectorMatches(q.get("labelSelector"), o.metadata.labels));
      return [
        200,
        {
          apiVersion: apiVersionOf(res),
          kind: `${res.kind}List`,
          metadata: { resourceVersion: String(this.rv) },
          items,
        },
      ];
    }
    const obj = this.mustGet(res.plural, ns, name!);
    if (verb === "get") return [200, sub === "scale" ? scaleOf(obj) : obj];
    if (verb === "delete") return this.remove(res, obj);
    const current = sub === "scale" ? scaleOf(obj) : obj;
    const demanded = preconditionOf(body);
    if (demanded !== undefined && demanded !== obj.metadata.resourceVersion)
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualified(res)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: res.group, kind: res.plural },
      );
    let next: Obj;
    if (verb === "update") next = body;
    else if (contentType.startsWith("application/json-patch+json")) next = jsonPatch(current, body);
    else if (contentType.startsWith("application/merge-patch+json")) next = merge(current, body, false);
    else if (contentType.startsWith("application/strategic-merge-patch+json")) next = merge(current, body, true);
    else
      throw new ApiError(
        415,
        "UnsupportedMediaType",
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
      );
    if (sub === "scale") obj.spec.replicas = next.spec?.replicas;
    else {
      const written = applyWrite(obj, next, sub === "status");
      for (const key of Object.keys(obj)) delete obj[key];
      Object.assign(obj, written);
    }
    // The last finalizer removed from an object being deleted: now it goes.
    if (obj.metadata.deletionTimestamp && !hasFinalizers(obj)) return this.remove(res, obj);
    this.emit("MODIFIED", res, obj);
    return [200, sub === "scale" ? scaleOf(obj) : obj];
  }

  /** Deletes `obj`, or — while it has finalizers — only marks it with a deletionTimestamp. */
  private remove(res: Resource, obj: Obj): [number, Obj] {
    const { name, namespace, uid } = obj.metadata;
    if (hasFinalizers(obj)) {
      if (!obj.metadata.deletionTimestamp) {
        obj.metadata.deletionTimestamp = new Date().toISOString();
        obj.metadata.deletionGracePeriodSeconds = 0;
        this.emit("MODIFIED", res, obj);
      }
      return [200, structuredClone(obj)];
    }
    this.store.delete(`${res.plural}/${namespace}/${name}`);
    this.emit("DELETED", res, obj);
    if (res.kind === "Pod") this.podLogs.end(namespace, name);
    if (res === CRD_RESOURCE) this.resources = this.resources.filter((r) => r.crd !== name);
    return [
      200,
      {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Success",
        details: { name, group: res.group, kind: res.plural, uid },
      },
    ];
  }

  private create(res: Resource, ns: string, body: Obj): Obj {
    const generate = body?.metadata?.generateName;
    const name = body?.metadata?.name ?? (typeof generate === "string" ? generatedName(generate) : undefined);
    const causes = [];
    // Workloads name DNS labels; events, CRDs and custom resources DNS subdomains.
    const subdomain = res.crd !== undefined || res === CRD_RESOURCE || res.kind === "Event";
    const [pattern, max] = subdomain ? [DNS_SUBDOMAIN, 253] : [DNS_LABEL, 63];
    if (typeof name !== "string" || name.length > max || !pattern.test(name))
      causes.push({ field: "metadata.name", message: `a lowercase RFC 1123 name of at most ${max} characters` });
    const crd = res === CRD_RESOURCE ? resourcesOfCrd(body) : undefined;
    for (const problem of crd?.problems ?? []) causes.push({ field: problem.split(":")[0], message: problem });
    for (const [k, v] of Object.entries({ ...body?.metadata?.labels, ...body?.spec?.template?.metadata?.labels })) {
      if (typeof v !== "string" || v.length > 63 || !LABEL_VALUE.test(v))
        causes.push({ field: `labels.${k}`, message: "a valid label value must be 63 characters or less" });
    }
    if (causes.length > 0)
      throw new ApiError(422, "Invalid", `${res.kind} "${name}" is invalid: ${causes.map((c) => c.field).join(", ")}`, {
        name,
        kind: res.kind,
        causes,
      });
    if (this.store.has(`${res.plural}/${ns}/${name}`))
      throw new ApiError(409, "AlreadyExists", `${qualified(res)} "${name}" already exists`, {
        name,
        group: res.group,
        kind: res.plural,
      });
    const n = ++this.uid;
    const obj: Obj = { ...structuredClone(body), apiVersion: apiVersionOf(res), kind: res.kind };
    obj.metadata = {
      ...obj.metadata,
      name,
      namespace: ns,
      uid: `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`,
      generation: 1,
      creationTimestamp: new Date().toISOString(),
    };
    if (res.kind === "Deployment") obj.spec.replicas ??= 1;
    if (res.kind === "Service")
      Object.assign(obj.spec, { type: obj.spec.type ?? "ClusterIP", clusterIP: `10.96.0.${n}` });
    // A new object has no status: a create does not write through the status subresource.
    obj.status = res.statusSubresource ? {} : (obj.status ?? {});
    if (crd) {
      obj.status = establishedStatus(obj);
      this.resources.push(...crd.resources);
    }
    this.emit("ADDED", res, obj);
    return structuredClone(obj);
  }

  private watch(res: Resource, ns: string, q: URLSearchParams, out: http.ServerResponse): void {
    out.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    out.flushHeaders();
    const watcher: Watcher = { res, ns, selector: q.get("labelSelector"), out };
    const since = Number(q.get("resourceVersion") || 0);
    if (since && since < this.compactedRv) {
      const expired = new ApiError(410, "Expired", `too old resource version: ${since} (${this.compactedRv})`);
      return void out.end(`${JSON.stringify({ type: "ERROR", object: expired.status })}\n`);
    }
    const backlog = since
      ? this.history.filter((h) => h.rv > since && h.res === res)
      : this.list(res.plural, ns).map((object) => ({ type: "ADDED", object }));
    for (const event of backlog) this.deliver(watcher, event.type, event.object);
    this.watchers.add(watcher);
    out.on("close", () => this.watchers.delete(watcher));
  }

  private emit(type: string, res: Resource, obj: Obj): void {
    obj.metadata.resourceVersion = String(++this.rv);
    if (type !== "DELETED") this.store.set(`${res.plural}/${obj.metadata.namespace}/${obj.metadata.name}`, obj);
    const object = structuredClone(obj);
    this.history.push({ rv: this.rv, type, res, object });
    for (const w of this.watchers) if (w.res === res) this.deliver(w, type, object);
  }

  private deliver(w: Watcher, type: string, object: Obj): void {
    if (object.metadata.namespace !== w.ns || !selectorMatches(w.selector, object.metadata.labels)) return;
    w.out.write(`${JSON.stringify({ type, object })}\n`);
  }

  private resource = (plural: string) => this.resources.find((r) => r.plural === plural)!;
  private mustGet(plural: string, ns: string, name: string): Obj {
    const obj = this.store.get(`${plural}/${ns}/${name}`);
    const res = this.resource(plural);
    if (!obj)
      throw new ApiError(404, "NotFound", `${qualified(res)} "${name}" not found`, {
        name,
        group: res.group,
        kind: plural,
      });
    return obj;
  }
}

/** The subresources a type serves: a Deployment's scale, a custom resource's status (when its CRD says so). */
const subresourceServed = (res: Resource, sub: string) =>
  (sub === "scale" && res.kind === "Deployment") ||
  (sub === "log" && res.kind === "Pod") ||
  (sub === "status" && (res.statusSubresource || !res.crd));

function verbOf(method: string, name: string | undefined, watching: boolean): string {
  if (method === "GET") return name ? "get" : watching ? "watch" : "list";
  return (
    ({ POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" } as Record<string, string>)[method] ??
    method.toLowerCase()
  );
}

/** The autoscaling/v1 Scale a Deployment's scale subresource shows. */
function scaleOf(obj: Obj): Obj {
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const selector = Object.entries(obj.spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const metadata = { name, namespace, uid, resourceVersion, creationTimestamp };
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata,
    spec: { replicas: obj.spec.replicas },
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

const send = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));

/** Polls `check` until it returns a value other than undefined/false (for asynchronous effects in tests). */
export async function eventually<T>(
  check: () => T | undefined | false,
  timeoutMs = 3000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(5);
  }
}
