/**
 * The invoke console: a JSON editor checked as you type, sync (`:invoke`) or async (`:enqueue`),
 * and the raw answer — status, headers, body and the round-trip time measured in the browser.
 */
import { useState } from "preact/hooks";
import { type Answer, call, enc, get } from "../api";
import { ms } from "../format";
import { usePoll } from "../hooks";
import { html } from "../html";
import type { FunctionView } from "../types";
import { Problem } from "./parts";

/** The problem with the editor's text as JSON, or "" when it parses. */
export function jsonProblem(text: string): string {
  if (text.trim() === "") return "Enter a JSON value (e.g. {} or null)";
  try {
    JSON.parse(text);
    return "";
  } catch (error) {
    return `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The request body: `{"input": <the editor's text, byte for byte>}`. */
export const invocationBody = (inputText: string) => `{"input":${inputText}}`;

function prettyBody(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function Result({ answer }: { answer: Answer }) {
  let executionId = "";
  try {
    executionId = (JSON.parse(answer.text) as { executionId?: string }).executionId ?? "";
  } catch {}
  return html`<section class="result" aria-labelledby="result-title" aria-live="polite">
    <h2 id="result-title">Response</h2>
    <p>
      <strong>HTTP <span data-testid="invoke-status">${answer.status}</span></strong>${" in "}<span data-testid="invoke-time">${ms(answer.ms)}</span>
      ${executionId && html` · execution <a href=${`#/executions/${enc(executionId)}`}><code>${executionId}</code></a>`}
    </p>
    <pre class="json" aria-label="Response body" data-testid="invoke-body" tabindex="0">${prettyBody(answer.text)}</pre>
    <details>
      <summary>Headers (${answer.headers.length})</summary>
      <table class="grid"><tbody>
        ${answer.headers.map(([k, v]) => html`<tr><th scope="row">${k}</th><td><code>${v}</code></td></tr>`)}
      </tbody></table>
    </details>
  </section>`;
}

export function Invoke({ name }: { name: string }) {
  const functions = usePoll(() => get<FunctionView[]>("/v1/functions"), []);
  const [target, setTarget] = useState(name);
  const [input, setInput] = useState("{}");
  const [mode, setMode] = useState<"sync" | "async">("sync");
  const [answer, setAnswer] = useState<Answer>();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const problem = jsonProblem(input);
  const fn = target || functions.data?.[0]?.name || "";
  const submit = async (event: Event) => {
    event.preventDefault();
    if (problem || !fn) return;
    setBusy(true);
    setError("");
    const verb = mode === "sync" ? "invoke" : "enqueue";
    try {
      setAnswer(await call("POST", `/v1/functions/${enc(fn)}:${verb}`, invocationBody(input)));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setBusy(false);
  };
  const pick = (e: Event) => setTarget((e.target as HTMLSelectElement).value);
  return html`<h1>Invoke</h1>
    <${Problem} error=${functions.error || error} />
    <form class="invoke" onSubmit=${submit}>
      <label for="invoke-function">Function</label>
      <select id="invoke-function" value=${fn} onChange=${pick}>
        ${(functions.data ?? []).map((f) => html`<option value=${f.name}>${f.name}</option>`)}
      </select>
      <fieldset>
        <legend>Mode</legend>
        <label><input type="radio" name="mode" value="sync" checked=${mode === "sync"} onChange=${() => setMode("sync")} /> Sync (wait for the result)</label>
        <label><input type="radio" name="mode" value="async" checked=${mode === "async"} onChange=${() => setMode("async")} /> Async (enqueue)</label>
      </fieldset>
      <label for="invoke-input">Input (JSON)</label>
      <textarea id="invoke-input" rows="8" spellcheck="false" value=${input} aria-invalid=${problem ? "true" : "false"}
        aria-describedby="invoke-input-problem" onInput=${(e: Event) => setInput((e.target as HTMLTextAreaElement).value)}></textarea>
      <p id="invoke-input-problem" class=${problem ? "error" : "note"}>${problem || "Valid JSON"}</p>
      <button type="submit" disabled=${busy || !!problem || !fn}>${busy ? "Invoking…" : "Invoke"}</button>
    </form>
    ${answer && html`<${Result} answer=${answer} />`}`;
}
