/**
 * @module
 * The kubelet side of `GET /api/v1/namespaces/{ns}/pods/{name}/log` for the fake API server: each
 * pod's container output, as tests print it, served with the real query parameters — `container`
 * (400 when it names no container of the pod), `timestamps` (RFC 3339 with nanoseconds before each
 * line), `tailLines`, `sinceTime`, and `follow` (the stream stays open, new lines are written as
 * they are printed, and it ends when the container exits or the pod is deleted). A pod that has not
 * started (phase Pending) answers 400 "is waiting to start", as a real one does.
 */
import type http from "node:http";

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON in this fake.
type Obj = any;

interface Printed {
  time: Date;
  text: string;
}

interface PodLog {
  lines: Printed[];
  followers: Set<{ out: http.ServerResponse; timestamps: boolean }>;
}

/** `2026-12-04T14:00:00.123000000Z`: the API server's RFC3339Nano with the fake's millisecond clock. */
const stampOf = (time: Date) => time.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");

export class PodLogStore {
  private readonly logs = new Map<string, PodLog>();

  private of(ns: string, pod: string): PodLog {
    let log = this.logs.get(`${ns}/${pod}`);
    if (!log) {
      log = { lines: [], followers: new Set() };
      this.logs.set(`${ns}/${pod}`, log);
    }
    return log;
  }

  /** The pod's container prints `text` (one line, no newline). */
  print(ns: string, pod: string, text: string, time = new Date()): void {
    const log = this.of(ns, pod);
    const line = { time, text };
    log.lines.push(line);
    for (const f of log.followers) f.out.write(render(line, f.timestamps));
  }

  /** The container exited, or the pod was deleted: followed streams end. */
  end(ns: string, pod: string): void {
    const log = this.logs.get(`${ns}/${pod}`);
    if (!log) return;
    for (const f of log.followers) f.out.end();
    log.followers.clear();
  }

  /** Open follows of this pod's log (tests wait for a follower before printing). */
  followers(ns: string, pod: string): number {
    return this.logs.get(`${ns}/${pod}`)?.followers.size ?? 0;
  }

  /** Answers a log request for `pod` (found by the caller); returns an error [status, message] instead when refused. */
  serve(ns: string, pod: Obj, q: URLSearchParams, out: http.ServerResponse): [number, string] | undefined {
    const name: string = pod.metadata.name;
    const containers: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
    const container = q.get("container") ?? (containers.length === 1 ? containers[0] : undefined);
    if (!container)
      return [400, `a container name must be specified for pod ${name}, choose one of: [${containers.join(" ")}]`];
    if (!containers.includes(container)) return [400, `container ${container} is not valid for pod ${name}`];
    if (pod.status?.phase === "Pending" || pod.status?.phase === undefined)
      return [400, `container "${container}" in pod "${name}" is waiting to start: ContainerCreating`];
    const log = this.of(ns, name);
    const timestamps = q.get("timestamps") === "true";
    const since = q.get("sinceTime") ? Date.parse(q.get("sinceTime")!) : undefined;
    let lines = since === undefined ? log.lines : log.lines.filter((l) => l.time.getTime() >= since);
    const tail = q.get("tailLines");
    if (tail !== null) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
    out.writeHead(200, { "Content-Type": "text/plain" });
    const history = lines.map((l) => render(l, timestamps)).join("");
    if (q.get("follow") !== "true") {
      out.end(history);
      return undefined;
    }
    out.flushHeaders();
    if (history) out.write(history);
    const follower = { out, timestamps };
    log.followers.add(follower);
    out.on("close", () => log.followers.delete(follower));
    return undefined;
  }
}

const render = (line: Printed, timestamps: boolean) => `${timestamps ? `${stampOf(line.time)} ` : ""}${line.text}\n`;
