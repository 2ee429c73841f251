/** Pieces several pages share: an error line, a JSON block, a state badge, execution rows. */
import { pretty, time } from "../format";
import { html } from "../html";
import type { Execution } from "../types";

export function Problem({ error }: { error?: string }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

export function Json({ value, label }: { value: unknown; label: string }) {
  return html`<pre class="json" aria-label=${label} tabindex="0">${pretty(value)}</pre>`;
}

export function State({ state }: { state: string }) {
  return html`<span class=${`state state-${state.toLowerCase()}`}>${state}</span>`;
}

export function ExecutionTable({ items, showFunction = true }: { items: Execution[]; showFunction?: boolean }) {
  if (items.length === 0) return html`<p>No executions.</p>`;
  return html`<table class="grid">
    <thead>
      <tr>
        <th scope="col">Execution</th>${showFunction && html`<th scope="col">Function</th>`}
        <th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Created</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (e) => html`<tr key=${e.executionId}>
          <th scope="row"><a href=${`#/executions/${encodeURIComponent(e.executionId)}`}><code>${e.executionId}</code></a></th>
          ${showFunction && html`<td>${e.function}</td>`}
          <td><${State} state=${e.status} /></td>
          <td class="num">${e.attempts}</td>
          <td>${time(e.createdAt)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
