/** One execution: state, timing, attempts, lineage, input, output and error; polled until it ends. */
import { enc, get } from "../api";
import { duration, time } from "../format";
import { usePoll } from "../hooks";
import { html } from "../html";
import type { Execution } from "../types";
import { Json, Problem, State } from "./parts";

const ENDED = new Set(["success", "error", "timeout"]);

const link = (id: string | null) => (id ? html`<a href=${`#/executions/${enc(id)}`}><code>${id}</code></a>` : "—");

export function ExecutionDetail({ id }: { id: string }) {
  const { data: e, error } = usePoll(() => get<Execution>(`/v1/executions/${enc(id)}`), [id], 1000);
  if (!e) return html`<h1>Execution</h1><${Problem} error=${error} />`;
  return html`<h1>Execution <code>${e.executionId}</code></h1>
    <${Problem} error=${error} />
    <dl class="facts">
      <dt>Function</dt><dd><a href=${`#/functions/${enc(e.function)}`}>${e.function}</a></dd>
      <dt>Status</dt><dd><${State} state=${e.status} />${ENDED.has(e.status) ? "" : " (refreshing)"}</dd>
      <dt>Attempts</dt><dd data-testid="attempts">${e.attempts}</dd>
      <dt>Created</dt><dd>${time(e.createdAt)}</dd>
      <dt>Started</dt><dd>${time(e.startedAt)}</dd>
      <dt>Finished</dt><dd>${time(e.finishedAt)}</dd>
      <dt>Duration</dt><dd>${duration(e.startedAt, e.finishedAt)}</dd>
      <dt>Cold start</dt><dd>${e.coldStart ? "yes" : "no"}</dd>
      <dt>Follows</dt><dd>${link(e.parentExecutionId)}</dd>
      <dt>Trigger</dt><dd>${e.trigger ? `${e.trigger.type} ${e.trigger.id}` : "API call"}</dd>
    </dl>
    ${"input" in e && html`<h2>Input</h2><${Json} value=${e.input} label="Input" />`}
    <h2>Output</h2><${Json} value=${e.output} label="Output" />
    <h2>Error</h2>${e.error ? html`<p class="error"><code>${e.error.code}</code> ${e.error.message}</p>` : html`<p>None.</p>`}`;
}
