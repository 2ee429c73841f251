/** Executions, newest first, filtered by function and status (the filters live in the URL). */
import { enc, get } from "../api";
import { usePoll } from "../hooks";
import { html } from "../html";
import { EXECUTION_STATES, type Execution, type FunctionView, type Page } from "../types";
import { ExecutionTable, Problem } from "./parts";

export function executionsQuery(fn: string, status: string, limit = 50): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (fn) q.set("function", fn);
  if (status) q.set("status", status);
  return q.toString();
}

function navigate(fn: string, status: string) {
  const q = new URLSearchParams();
  if (fn) q.set("function", fn);
  if (status) q.set("status", status);
  location.hash = `#/executions${q.size ? `?${q}` : ""}`;
}

export function Executions({ fn, status }: { fn: string; status: string }) {
  const functions = usePoll(() => get<FunctionView[]>("/v1/functions"), []);
  const list = usePoll(() => get<Page<Execution>>(`/v1/executions?${executionsQuery(fn, status)}`), [fn, status], 3000);
  const value = (e: Event) => (e.target as HTMLSelectElement).value;
  return html`<h1>Executions</h1>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label for="filter-function">Function</label>
      <select id="filter-function" value=${fn} onChange=${(e: Event) => navigate(value(e), status)}>
        <option value="">All functions</option>
        ${(functions.data ?? []).map((f) => html`<option value=${f.name}>${f.name}</option>`)}
      </select>
      <label for="filter-status">Status</label>
      <select id="filter-status" value=${status} onChange=${(e: Event) => navigate(fn, value(e))}>
        <option value="">Any status</option>
        ${EXECUTION_STATES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </form>
    <${Problem} error=${list.error} />
    ${list.data && html`<${ExecutionTable} items=${list.data.items} />`}
    <p class="note">The 50 newest; refreshed every 3 s. <a href=${`#/invoke/${enc(fn)}`}>Invoke${fn ? ` ${fn}` : ""}</a></p>`;
}
