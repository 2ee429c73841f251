/**
 * @module
 * One-shot result delivery (SPEC §2): `POST {CALLBACK_URL}/{executionId}:complete` with
 * `{"success","output","error"}`, at most 3 tries, waiting 100 ms then 500 ms, retrying on network
 * errors, 5xx, 408 and 429; any other answer is final. Each try is bounded so a stalled control
 * plane cannot keep a Job pod alive forever.
 */
import { Header } from "../../src/contracts/headers.ts";
import {
  CALLBACK_MAX_TRIES,
  CALLBACK_RETRY_DELAYS_MS,
  callbackUrlFor,
  isRetryableCallbackStatus,
} from "../../src/contracts/pod.ts";
import { describe, type Logger } from "./log.ts";
import type { Outcome } from "./runners/runner.ts";

/** Per-try bound, as the reference watchdog (10 s). */
export const CALLBACK_TRY_TIMEOUT_MS = 10_000;

export interface CallbackTarget {
  baseUrl: string;
  executionId: string;
  dispatchAttempt: number;
  traceId?: string;
  /** CALLBACK_TOKEN: the control plane accepts this attempt's result only with it. */
  callbackToken?: string;
}

export interface Delivery {
  delivered: boolean;
  tries: number;
  /** Last HTTP status, when an answer came back. */
  status?: number;
  error?: string;
}

export interface CallbackDeps {
  log: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<unknown>;
  tryTimeoutMs?: number;
}

/** `InvocationResult` JSON; the output is spliced in as the raw text the function produced. */
export function resultJson(outcome: Outcome): string {
  if (outcome.ok) return `{"success":true,"output":${outcome.json},"error":null}`;
  const { code, message } = outcome.error;
  return JSON.stringify({ success: false, output: null, error: { code, message } });
}

export async function deliverCallback(target: CallbackTarget, body: string, deps: CallbackDeps): Promise<Delivery> {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? Bun.sleep;
  const url = callbackUrlFor(target.baseUrl, target.executionId);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    [Header.executionId]: target.executionId,
    [Header.dispatchAttempt]: String(target.dispatchAttempt),
  };
  if (target.traceId) headers[Header.traceId] = target.traceId;
  if (target.callbackToken) headers[Header.callbackToken] = target.callbackToken;
  let last: Delivery = { delivered: false, tries: 0 };
  for (let tries = 1; tries <= CALLBACK_MAX_TRIES; tries++) {
    let retryable: boolean;
    try {
      const res = await doFetch(url, {
        method: "POST",
        body,
        headers,
        signal: AbortSignal.timeout(deps.tryTimeoutMs ?? CALLBACK_TRY_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => {});
      if (res.ok) return { delivered: true, tries, status: res.status };
      last = { delivered: false, tries, status: res.status };
      retryable = isRetryableCallbackStatus(res.status);
    } catch (error) {
      last = { delivered: false, tries, error: describe(error) };
      retryable = true;
    }
    deps.log.warn("callback failed", { url, try: tries, status: last.status, error: last.error, retry: retryable });
    const delay = CALLBACK_RETRY_DELAYS_MS[tries - 1];
    if (!retryable || delay === undefined) break;
    await sleep(delay);
  }
  return last;
}
