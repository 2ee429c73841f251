/** The function list: state, replicas and the live figures of `GET /v1/stats/functions`, every 2 s. */
import { get } from "../api";
import { ms, percent } from "../format";
import { usePoll } from "../hooks";
import { html } from "../html";
import type { FunctionStats, FunctionView } from "../types";
import { Problem } from "./parts";

export const REFRESH_MS = 2000;

async function loadFunctions() {
  const [functions, stats] = await Promise.all([
    get<FunctionView[]>("/v1/functions"),
    get<{ items: FunctionStats[] }>("/v1/stats/functions"),
  ]);
  return { functions, stats: new Map(stats.items.map((s) => [s.function, s])) };
}

export function replicasOf(fn: FunctionView): string {
  const s = fn.status;
  if (s?.ready === undefined) return "—";
  return s.desired === undefined ? String(s.ready) : `${s.ready}/${s.desired}`;
}

function Row({ fn, stats }: { fn: FunctionView; stats?: FunctionStats }) {
  const state = fn.status?.state ?? "Ready";
  return html`<tr>
    <th scope="row"><a href=${`#/functions/${encodeURIComponent(fn.name)}`}>${fn.name}</a></th>
    <td><span class=${`state state-${state.toLowerCase()}`} title=${fn.status?.lastError ?? ""}>${state}</span></td>
    <td>${fn.effectiveExecutionMode}</td>
    <td class="num">${replicasOf(fn)}</td>
    <td class="num">${stats ? `${stats.inFlight}/${stats.concurrencyLimit}` : "—"}</td>
    <td class="num">${stats ? stats.queueDepth + stats.syncQueueDepth : "—"}</td>
    <td class="num">${stats ? stats.completed : "—"}</td>
    <td class="num">${stats ? percent(stats.errorRate) : "—"}</td>
    <td class="num">${ms(stats?.p50Ms)}</td>
    <td class="num">${ms(stats?.p99Ms)}</td>
    <td><a href=${`#/invoke/${encodeURIComponent(fn.name)}`} aria-label=${`Invoke ${fn.name}`}>Invoke</a></td>
  </tr>`;
}

export function Functions() {
  const { data, error } = usePoll(loadFunctions, [], REFRESH_MS);
  const minutes = data ? Math.round(([...data.stats.values()][0]?.windowSeconds ?? 300) / 60) : 5;
  return html`<h1>Functions</h1>
    <${Problem} error=${error} />
    ${data && data.functions.length === 0 && html`<p>No function is registered yet.</p>`}
    ${
      data &&
      data.functions.length > 0 &&
      html`<table class="grid" aria-describedby="functions-note">
      <thead>
        <tr>
          <th scope="col">Name</th><th scope="col">State</th><th scope="col">Mode</th>
          <th scope="col" class="num">Replicas</th><th scope="col" class="num">In flight</th>
          <th scope="col" class="num">Queued</th><th scope="col" class="num">Ended</th>
          <th scope="col" class="num">Error rate</th><th scope="col" class="num">p50</th>
          <th scope="col" class="num">p99</th><th scope="col"><span class="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>${data.functions.map((fn) => html`<${Row} key=${fn.name} fn=${fn} stats=${data.stats.get(fn.name)} />`)}</tbody>
    </table>
    <p id="functions-note" class="note">Ended, error rate and latency cover the last ${minutes} minutes; refreshed every ${REFRESH_MS / 1000} s.</p>`
    }`;
}
