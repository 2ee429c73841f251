/** The API-key form shown when the API answers 401 (auth on). The key stays in this tab only. */
import { useState } from "preact/hooks";
import { apiKey, call, errorOf } from "../api";
import { html } from "../html";

export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError("");
    apiKey.set(key.trim());
    // Any read the key may do proves it; 403 means valid but narrow, still signed in.
    const answer = await call("GET", "/v1/functions").catch(() => undefined);
    setBusy(false);
    if (answer && answer.status !== 401) return onSignedIn();
    apiKey.clear();
    setError(answer ? errorOf(answer).message : "The control plane did not answer");
  };
  return html`<section class="login" aria-labelledby="login-title">
    <h1 id="login-title">Sign in</h1>
    <p>This control plane requires an API key. It is kept in this browser tab only (sessionStorage).</p>
    <form onSubmit=${submit}>
      <label for="api-key">API key</label>
      <input id="api-key" type="password" autocomplete="off" required value=${key}
        onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${busy || !key.trim()}>Sign in</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>
  </section>`;
}
