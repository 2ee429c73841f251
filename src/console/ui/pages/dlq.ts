/** Dead letters, newest first, each with a Replay button (a new async execution linked to it). */
import { useState } from "preact/hooks";
import { enc, get, json } from "../api";
import { time } from "../format";
import { usePoll } from "../hooks";
import { html } from "../html";
import type { DeadLetter, Page } from "../types";
import { Problem } from "./parts";

function Entry({ d, reload }: { d: DeadLetter; reload: () => void }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const replay = async () => {
    setBusy(true);
    setError("");
    try {
      await json("POST", `/v1/dlq/${enc(d.id)}:replay`);
      reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    setBusy(false);
  };
  return html`<tr>
    <th scope="row"><code>${d.id}</code></th>
    <td><a href=${`#/functions/${enc(d.function)}`}>${d.function}</a></td>
    <td><a href=${`#/executions/${enc(d.executionId)}`}><code>${d.executionId}</code></a></td>
    <td>${d.error ? html`<code>${d.error.code}</code> ${d.error.message}` : "—"}</td>
    <td class="num">${d.attempts}</td>
    <td>${time(d.failedAt)}</td>
    <td>
      ${
        d.replayedAs
          ? html`replayed as <a href=${`#/executions/${enc(d.replayedAs)}`}><code>${d.replayedAs}</code></a>`
          : html`<button type="button" onClick=${replay} disabled=${busy} aria-label=${`Replay ${d.id}`}>Replay</button>`
      }
      ${error && html`<span class="error" role="alert">${error}</span>`}
    </td>
  </tr>`;
}

export function DeadLetters() {
  const { data, error, reload } = usePoll(() => get<Page<DeadLetter>>("/v1/dlq?limit=100"), [], 5000);
  return html`<h1>Dead letters</h1>
    <${Problem} error=${error} />
    ${data && data.items.length === 0 && html`<p>The dead-letter queue is empty.</p>`}
    ${
      data &&
      data.items.length > 0 &&
      html`<table class="grid">
      <thead><tr>
        <th scope="col">Entry</th><th scope="col">Function</th><th scope="col">Execution</th>
        <th scope="col">Last error</th><th scope="col" class="num">Attempts</th><th scope="col">Failed</th>
        <th scope="col">Replay</th>
      </tr></thead>
      <tbody>${data.items.map((d) => html`<${Entry} key=${d.id} d=${d} reload=${reload} />`)}</tbody>
    </table>`
    }`;
}
