/** One function: status and live figures, its spec, cron schedules, recent executions and live logs. */
import { enc, get } from "../api";
import { ms, percent, time } from "../format";
import { usePoll } from "../hooks";
import { html } from "../html";
import type { Execution, FunctionStats, FunctionView, Page, Schedule } from "../types";
import { REFRESH_MS, replicasOf } from "./functions";
import { Logs } from "./logs";
import { ExecutionTable, Json, Problem, State } from "./parts";

function Schedules({ name }: { name: string }) {
  const { data } = usePoll(() => get<Page<Schedule>>(`/v1/functions/${enc(name)}/schedules`), [name], 10_000);
  if (!data || data.items.length === 0) return html`<p>No cron schedules.</p>`;
  return html`<table class="grid">
    <thead><tr><th scope="col">Schedule</th><th scope="col">Cron</th><th scope="col">Enabled</th><th scope="col">Next run</th><th scope="col">Last run</th></tr></thead>
    <tbody>${data.items.map(
      (s) => html`<tr key=${s.id}><th scope="row">${s.id}</th><td><code>${s.cron}</code> ${s.timezone}</td>
        <td>${s.enabled ? "yes" : s.paused ? "paused" : "no"}</td><td>${time(s.nextRuns[0])}</td><td>${time(s.lastRunAt)}</td></tr>`,
    )}</tbody>
  </table>`;
}

function Figures({ fn, stats }: { fn: FunctionView; stats?: FunctionStats }) {
  return html`<dl class="facts">
    <dt>State</dt><dd><${State} state=${fn.status?.state ?? "Ready"} /> ${fn.status?.lastError ?? ""}</dd>
    <dt>Replicas</dt><dd>${replicasOf(fn)}</dd>
    <dt>In flight</dt><dd>${stats ? `${stats.inFlight} of ${stats.concurrencyLimit}` : "—"}</dd>
    <dt>Queued</dt><dd>${stats ? `${stats.queueDepth} async, ${stats.syncQueueDepth} sync` : "—"}</dd>
    <dt>Ended (window)</dt><dd>${stats ? `${stats.completed}, ${percent(stats.errorRate)} errors` : "—"}</dd>
    <dt>p50 / p99</dt><dd>${ms(stats?.p50Ms)} / ${ms(stats?.p99Ms)}</dd>
  </dl>`;
}

export function FunctionPage({ name }: { name: string }) {
  const fn = usePoll(() => get<FunctionView>(`/v1/functions/${enc(name)}`), [name], REFRESH_MS);
  const stats = usePoll(() => get<{ items: FunctionStats[] }>("/v1/stats/functions"), [], REFRESH_MS);
  const recent = usePoll(() => get<Page<Execution>>(`/v1/executions?function=${enc(name)}&limit=10`), [name], 3000);
  const mine = stats.data?.items.find((s) => s.function === name);
  return html`<h1>Function ${name}</h1>
    <p><a href=${`#/invoke/${enc(name)}`}>Invoke ${name}</a> · <a href=${`#/executions?function=${enc(name)}`}>All its executions</a></p>
    <${Problem} error=${fn.error} />
    ${fn.data && html`<${Figures} fn=${fn.data} stats=${mine} />`}
    <h2>Recent executions</h2>
    ${recent.data && html`<${ExecutionTable} items=${recent.data.items} showFunction=${false} />`}
    <h2>Schedules</h2>
    <${Schedules} name=${name} />
    <${Logs} name=${name} />
    <details><summary>Spec</summary>${fn.data && html`<${Json} value=${fn.data} label="Function spec" />`}</details>`;
}
