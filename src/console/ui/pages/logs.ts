/**
 * A function's live logs: `GET /v1/functions/{name}/logs?follow=true` (Server-Sent Events, one JSON
 * line per event), the last 500 lines kept on screen, optionally only one execution's.
 */
import { useEffect, useState } from "preact/hooks";
import { authHeaders, enc } from "../api";
import { html } from "../html";
import { readEvents } from "../sse";

export interface LogLine {
  time: string;
  replica?: string;
  stream: string;
  executionId?: string;
  message: string;
}

const KEEP = 500;

export function Logs({ name }: { name: string }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [status, setStatus] = useState("connecting…");
  const [execution, setExecution] = useState("");
  useEffect(() => {
    const abort = new AbortController();
    const q = new URLSearchParams({ follow: "true", tail: "100" });
    if (execution) q.set("executionId", execution);
    setLines([]);
    (async () => {
      const res = await fetch(`/v1/functions/${enc(name)}/logs?${q}`, {
        headers: { Accept: "text/event-stream", ...authHeaders() },
        signal: abort.signal,
      });
      if (!res.ok || !res.body) return setStatus(`not available (HTTP ${res.status})`);
      setStatus("following");
      await readEvents(res.body, (data) => {
        try {
          const line = JSON.parse(data) as LogLine;
          setLines((old) => [...old.slice(-(KEEP - 1)), line]);
        } catch {}
      });
      setStatus("stream ended");
    })().catch((e) => abort.signal.aborted || setStatus(`stopped: ${e instanceof Error ? e.message : e}`));
    return () => abort.abort();
  }, [name, execution]);
  return html`<section aria-labelledby="logs-title">
    <h2 id="logs-title">Logs <small class="note" data-testid="logs-status">${status}</small></h2>
    <label for="logs-execution">Only execution</label>
    <input id="logs-execution" placeholder="execution id (optional)" value=${execution}
      onChange=${(e: Event) => setExecution((e.target as HTMLInputElement).value.trim())} />
    <pre class="logs" aria-label="Log lines" aria-live="polite" tabindex="0" data-testid="logs">${lines.map(
      (l) =>
        html`<span class=${`log-${l.stream}`}>${l.time} ${l.replica ?? ""} ${l.executionId ? `[${l.executionId}] ` : ""}${l.message}\n</span>`,
    )}</pre>
  </section>`;
}
