/**
 * @module
 * How a function is shown: its state (the response's `status`, absent from servers older than
 * it) as one word and a `ready/desired` count, and `fn describe`'s sectioned text — spec first,
 * then state, as `kn service describe` does.
 */
import type { FunctionResponse } from "../../openapi/client";
import { cell, keyValues } from "./output";

/** `1/3` (ready of desired), `2` (desired unknown), or undefined for functions without replicas. */
export function replicaCount(f: FunctionResponse): string | undefined {
  const ready = f.status?.ready;
  if (ready === undefined) return undefined;
  return f.status?.desired === undefined ? String(ready) : `${ready}/${f.status.desired}`;
}

/** `fn get`: every field of the response, with `status` split into readable rows. */
export function functionFields(f: FunctionResponse): string {
  const { status, triggers, ...spec } = f;
  const state: [string, unknown][] = status
    ? [
        ["state", status.state],
        ["replicas (ready/desired)", replicaCount(f)],
        ["lastError", status.lastError],
      ]
    : [];
  const triggerRows = (triggers ?? []).map((t): [string, unknown] => [`trigger ${t.type}/${t.id}`, triggerSummary(t)]);
  return keyValues([...Object.entries(spec), ...state.filter(([, v]) => v !== undefined), ...triggerRows]);
}

type Trigger = NonNullable<FunctionResponse["triggers"]>[number];

/** One line per trigger: `active; 30 2 * * * (Europe/Berlin), overlap skip; next 2026-…`. */
export function triggerSummary(t: Trigger): string {
  const next = t.nextFireAt ? `; next ${t.nextFireAt}` : "";
  const error = t.lastError ? `; last error: ${t.lastError.message}` : "";
  return `${t.state}; ${t.detail}${next}${error}`;
}

/** `fn describe`: the parts a person looks for, aligned under headings. */
export function describeFunction(f: FunctionResponse): string {
  const scaling = f.scalingConfig as { strategy?: string; minReplicas?: number; maxReplicas?: number } | undefined;
  const mode =
    f.requestedExecutionMode === f.effectiveExecutionMode
      ? f.effectiveExecutionMode
      : `${f.effectiveExecutionMode} (asked for ${f.requestedExecutionMode})`;
  const spec: [string, unknown][] = [
    ["Name", f.name],
    ["Mode", mode],
    ["Backend", f.deploymentBackend],
    ["Image", f.image],
    ["Command", f.command.length > 0 ? f.command.join(" ") : undefined],
    ["Endpoint", f.endpointUrl],
    ["Runtime", f.runtimeMode],
    [
      "Limits",
      `timeout ${f.timeoutMs} ms, concurrency ${f.concurrency}, queue ${f.queueSize}, retries ${f.maxRetries}`,
    ],
    ["Rate limit", f.rateLimitPerSecond === undefined ? undefined : `${f.rateLimitPerSecond}/s`],
    [
      "Scaling",
      f.effectiveExecutionMode === "DEPLOYMENT" && scaling
        ? `${scaling.strategy ?? "-"}, ${scaling.minReplicas ?? "-"}–${scaling.maxReplicas ?? "-"} replicas`
        : undefined,
    ],
  ];
  const state: [string, unknown][] = [
    ["State", f.status?.state ?? "unknown (the server reports no status)"],
    [
      "Replicas",
      f.status?.ready === undefined
        ? undefined
        : `${f.status.ready} ready${f.status.desired === undefined ? "" : ` of ${f.status.desired} desired`}`,
    ],
    ["Last error", f.status?.lastError ?? f.degradationReason],
  ];
  const width = Math.max(...[...spec, ...state].map(([k]) => k.length)) + 2;
  return `${section(spec, width)}\n${section(state, width)}`;
}

function section(rows: [string, unknown][], width: number): string {
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(width)}${cell(v)}\n`)
    .join("");
}
