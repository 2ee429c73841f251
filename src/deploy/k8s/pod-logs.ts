/**
 * @module
 * Function logs on the k8s backend (GET /v1/functions/{name}/logs, docs/logs.md): nothing is kept
 * in the control plane — the kubelet keeps each container's log, and `pods/log` reads it. The
 * function's pods are listed through the client (CoreV1Api, label `nanofaas.io/function`, Job pods
 * excluded); each pod's log is read with `timestamps=true` over the transport's authenticated
 * GET, since the generated client buffers whole bodies and cannot follow.
 *
 * - read: the last `maxLines` lines of each pod (NANOFAAS_LOGS_BUFFER_LINES, the same bound the
 *   local backends keep), merged in time order, then filtered.
 * - follow: every pod's log with `follow=true` — from now on for the pods that exist when following
 *   starts, from their first line for pods that appear later (scale-up, a replaced pod: the pod
 *   list is read again every `relistMs`) — until the client leaves.
 *
 * `pods/log` merges a container's stdout and stderr, so every line is reported as `stdout`.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import { type LogLine, readTags } from "../../logs/log-line";
import { type FunctionLogSource, type LogQuery, lastOf, matches } from "../../logs/log-source";
import { sleep } from "../../lib/sleep";
import { LineSplitter } from "../shared/line-splitter";
import { K8sStatusError, toBackendError } from "./errors";
import { FUNCTION_LABEL, labelValue } from "./labels";
import type { KubeTransport } from "./transport";
import { FUNCTION_CONTAINER } from "./workload";

export interface PodLogOptions {
  transport: KubeTransport;
  namespace: string;
  /** Lines read per pod (the newest). */
  maxLines: number;
  /** How often a follow looks for new pods. Default 2000 ms. */
  relistMs?: number;
  /** Told when a pod's log stream fails (a follow then tries that pod again at the next relist). */
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface PodRef {
  name: string;
  uid: string;
  /** Pending pods have no log yet; asking is a 400. */
  started: boolean;
}

export class PodLogs implements FunctionLogSource {
  private readonly core: CoreV1Api;

  constructor(private readonly options: PodLogOptions) {
    this.core = options.transport.api(CoreV1Api);
  }

  async read(name: string, query: LogQuery): Promise<LogLine[]> {
    const pods = (await this.pods(name, query.replica)).filter((pod) => pod.started);
    const params: Record<string, string> = { tailLines: String(this.options.maxLines) };
    if (query.sinceMs !== undefined) params.sinceTime = new Date(query.sinceMs).toISOString().replace(/\.\d+Z$/, "Z");
    const perPod = await Promise.all(pods.map((pod) => this.readPod(name, pod.name, params)));
    const lines = perPod.flat().filter((line) => matches(line, query));
    // A stable sort keeps each pod's own order among lines of the same instant.
    lines.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
    return lastOf(lines, query.tail);
  }

  async follow(name: string, query: LogQuery, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void> {
    const following = new Map<string, Promise<void>>();
    const emit = (line: LogLine) => {
      if (matches(line, query)) onLine(line);
    };
    let first = true;
    while (!signal.aborted) {
      let pods: PodRef[] = [];
      try {
        pods = await this.pods(name, query.replica);
      } catch (error) {
        if (signal.aborted) break;
        this.options.log?.("k8s_pod_logs_error", { function: name, error: String(error) });
      }
      for (const pod of pods) {
        if (!pod.started || following.has(pod.uid)) continue;
        // Pods there at the start: only what they print from now on (the history comes from read).
        const params: Record<string, string> = first ? { tailLines: "0" } : {};
        const done = this.followPod(name, pod.name, params, emit, signal).finally(() => following.delete(pod.uid));
        following.set(pod.uid, done);
      }
      first = false;
      await sleep(this.options.relistMs ?? 2000, signal);
    }
    await Promise.all(following.values());
  }

  /** The function's pods (not its Jobs' pods), by name; only `replica` when given. */
  private async pods(name: string, replica: string | undefined): Promise<PodRef[]> {
    const { namespace } = this.options;
    const labelSelector = `${FUNCTION_LABEL}=${labelValue(name)},app.kubernetes.io/component=function`;
    try {
      const list = await this.core.listNamespacedPod({ namespace, labelSelector });
      return list.items
        .map((pod) => ({
          name: pod.metadata?.name ?? "",
          uid: pod.metadata?.uid ?? pod.metadata?.name ?? "",
          started: pod.status?.phase !== undefined && pod.status.phase !== "Pending" && pod.status.phase !== "Unknown",
        }))
        .filter((pod) => pod.name !== "" && (replica === undefined || pod.name === replica))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      throw toBackendError(error, { verb: "list", resource: "pods", kind: "Pod", namespace });
    }
  }

  private async readPod(fn: string, pod: string, params: Record<string, string>): Promise<LogLine[]> {
    const response = await this.request(pod, params);
    if (!response) return [];
    const lines: LogLine[] = [];
    const splitter = new LineSplitter();
    const add = (text: string) => lines.push(parseLine(fn, pod, text));
    for (const text of splitter.push(await response.text())) add(text);
    for (const text of splitter.end()) add(text);
    return lines;
  }

  private async followPod(
    fn: string,
    pod: string,
    params: Record<string, string>,
    emit: (line: LogLine) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let response: Response | undefined;
    try {
      response = await this.request(pod, { ...params, follow: "true" }, signal);
    } catch (error) {
      if (!signal.aborted) this.options.log?.("k8s_pod_logs_error", { function: fn, pod, error: String(error) });
      return;
    }
    if (!response?.body) return;
    const decoder = new TextDecoder();
    const splitter = new LineSplitter();
    const each = (text: string) => emit(parseLine(fn, pod, text));
    const reader = response.body.getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        for (const text of splitter.push(decoder.decode(chunk.value, { stream: true }))) each(text);
    } catch {
      // The stream broke (the pod went away, the client left): what arrived has been handed on.
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    for (const text of splitter.push(decoder.decode())) each(text);
    for (const text of splitter.end()) each(text);
  }

  /** GET …/pods/{pod}/log; undefined when the pod is gone (404) or has no log yet (400). */
  private async request(
    pod: string,
    params: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response | undefined> {
    const { namespace, transport } = this.options;
    const query = new URLSearchParams({ container: FUNCTION_CONTAINER, timestamps: "true", ...params });
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query}`;
    const response = await transport.get(path, signal);
    if (response.ok) return response;
    const body = await response.text();
    if (response.status === 404 || response.status === 400) return undefined;
    throw toBackendError(new K8sStatusError(response.status, body), {
      verb: "get",
      resource: "pods/log",
      kind: "Pod log",
      namespace,
      name: pod,
    });
  }
}

/**
 * `2026-12-04T14:00:00.123456789Z message` (timestamps=true) → a LogLine; the API server's
 * nanoseconds are cut to milliseconds. A line without a timestamp keeps the time it was read.
 */
export function parseLine(fn: string, pod: string, text: string): LogLine {
  const space = text.indexOf(" ");
  const stamp = space > 0 ? text.slice(0, space) : "";
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(stamp);
  const time = m ? `${m[1]}${(m[2] ?? ".000").padEnd(4, "0").slice(0, 4)}Z` : new Date().toISOString();
  const message = m ? text.slice(space + 1) : text;
  return { time, function: fn, replica: pod, stream: "stdout", ...readTags(message) };
}
