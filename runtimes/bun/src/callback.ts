/**
 * @module
 * Completion callbacks (`POST {base}/{executionId}:complete`). Delivery never delays the HTTP
 * response: `send` starts it in the background and `flush` lets shutdown wait for stragglers.
 */
import {
  CALLBACK_MAX_TRIES,
  CALLBACK_RETRY_DELAYS_MS,
  callbackUrlFor,
  isRetryableCallbackStatus,
} from "../../../src/contracts/pod.ts";
import { Header } from "../../../src/contracts/headers.ts";

export interface CallbackTarget {
  base: string;
  executionId: string;
  traceId: string | null;
  attempt: string | null;
  /** Echoed as `X-Callback-Token` (docs/security.md); null when the dispatch carried none. */
  callbackToken: string | null;
}

export interface CallbackDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  sleep: (ms: number) => Promise<unknown>;
  /** Called once per callback that could not be delivered, with the last problem seen. */
  onFailure: (target: CallbackTarget, problem: string) => void;
  perTryTimeoutMs?: number;
}

export interface CallbackSender {
  /** `body` is the already-serialised `{"success","output","error"}` document. */
  send(target: CallbackTarget, body: string): void;
  /** Resolves when every callback started so far has finished (delivered or given up). */
  flush(): Promise<void>;
}

export function createCallbackSender(deps: CallbackDeps): CallbackSender {
  const pending = new Set<Promise<void>>();
  const perTryTimeoutMs = deps.perTryTimeoutMs ?? 5000;

  async function deliver(target: CallbackTarget, body: string): Promise<void> {
    const url = callbackUrlFor(target.base, target.executionId);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (target.traceId) headers[Header.traceId] = target.traceId;
    if (target.attempt) headers[Header.dispatchAttempt] = target.attempt;
    if (target.callbackToken) headers[Header.callbackToken] = target.callbackToken;
    let problem = "";
    for (let attempt = 1; attempt <= CALLBACK_MAX_TRIES; attempt++) {
      try {
        const res = await deps.fetch(url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(perTryTimeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        problem = `HTTP ${res.status}`;
        // Other 4xx mean the control plane rejected this callback for good: retrying cannot help.
        if (!isRetryableCallbackStatus(res.status)) break;
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
      const delay = CALLBACK_RETRY_DELAYS_MS[attempt - 1];
      if (attempt < CALLBACK_MAX_TRIES && delay !== undefined) await deps.sleep(delay);
    }
    deps.onFailure(target, problem);
  }

  return {
    send(target, body) {
      const delivery = deliver(target, body).finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** The callback document for an outcome, built from the already-serialised output. */
export function callbackBody(
  outcome: { ok: true; body: string } | { ok: false; error: { code: string; message: string } },
) {
  return outcome.ok
    ? `{"success":true,"output":${outcome.body},"error":null}`
    : JSON.stringify({ success: false, output: null, error: outcome.error });
}
