/**
 * @module
 * POOL and DEPLOYMENT dispatch (reference §5.2): POST `{"input","metadata"}` to the pod over
 * keep-alive fetch with the execution headers, bounded by the function's timeoutMs through an
 * AbortSignal (Bun's fetch `timeout` option is an idle timer, not a deadline). Response mapping
 * follows the reference except SPEC §1.6: an empty or `null` 2xx body is a success with null output.
 * A JSON answer is checked (nesting within NANOFAAS_MAX_JSON_DEPTH, then JSON.parse) and kept as
 * its text, so the caller gets the function's numbers exactly as written (lib/raw-json).
 * The deadline comes from a shared `Deadlines` (one timer per timeout length, cancelled when the
 * attempt ends), not `AbortSignal.timeout`, which leaves a live timer per attempt for timeoutMs.
 */
import { Header } from "../contracts/headers";
import { Deadlines } from "../lib/deadlines";
import { exceedsDepth } from "../lib/json-scan";
import { RawJson } from "../lib/raw-json";
import { httpRetryClass } from "../resilience/resilience-spec";
import { type AttemptResult, type Dispatcher, type DispatchTask, failure } from "./dispatcher";
import { bodyExcerpt, isHttpUrl } from "./endpoint-scheme";
import { BodyTooLargeError, readCapped } from "./read-capped";

export interface PoolDispatcherOptions {
  maxResponseBytes: number;
  /** NANOFAAS_MAX_JSON_DEPTH: a deeper answer is an execution error, found before any parse. */
  maxJsonDepth: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * The callback token of an attempt, sent as X-Callback-Token so a pod that calls back (CALLBACK_URL)
   * is accepted (docs/security.md). Given only when authentication is on: no cost on the hot path otherwise.
   */
  callbackToken?: (executionId: string, attempt: number) => string;
}

export function createPoolDispatcher(options: PoolDispatcherOptions): Dispatcher {
  const doFetch = options.fetch ?? fetch;
  const deadlines = new Deadlines();

  async function attempt(task: DispatchTask, endpoint: string, timeoutMs: number): Promise<AttemptResult> {
    const controller = new AbortController();
    const deadline = deadlines.add(timeoutMs, () =>
      controller.abort(new DOMException(`Pool request timed out after ${timeoutMs}ms`, "TimeoutError")),
    );
    try {
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: "POST",
          headers: podHeaders(task, options.callbackToken),
          body: task.record.body,
          signal: controller.signal,
        });
      } catch (error) {
        return transportFailure(error, timeoutMs);
      }
      const coldStart = (response.headers.get(Header.coldStart) ?? "").toLowerCase() === "true";
      const initDurationMs = coldStart ? parseInitDuration(response.headers.get(Header.initDurationMs)) : null;
      let text: string;
      try {
        text = await readCapped(response, options.maxResponseBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return failure("POOL_ERROR", error.message, coldStart, initDurationMs);
        return transportFailure(error, timeoutMs);
      }
      if (response.status < 200 || response.status > 299) {
        const message = text === "" ? `${response.status} ${response.statusText || "ERROR"}` : bodyExcerpt(text);
        return failure("POOL_ERROR", message, coldStart, initDurationMs, httpRetryClass(response.status));
      }
      return parseSuccess(text, response.headers.get("content-type"), options.maxJsonDepth, coldStart, initDurationMs);
    } finally {
      deadline.cancel(); // the attempt has ended (answer, error or timeout): its deadline goes with it
    }
  }

  return {
    dispatch(task: DispatchTask): Promise<AttemptResult> {
      if (!task.endpoint)
        return Promise.resolve(failure("POOL_ENDPOINT_MISSING", "endpointUrl is required for POOL mode"));
      // Never fetch file:, data: or blob: URLs (Bun's fetch reads them): only http(s) leaves here.
      if (!isHttpUrl(task.endpoint))
        return Promise.resolve(failure("POOL_ERROR", "endpointUrl must be an http:// or https:// URL"));
      return attempt(task, task.endpoint, task.record.fn.timeoutMs);
    },
  };
}

function podHeaders(
  { record, attempt }: DispatchTask,
  callbackToken: PoolDispatcherOptions["callbackToken"],
): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    [Header.executionId]: record.id,
    [Header.dispatchAttempt]: String(attempt),
  };
  const { traceId, traceparent, tracestate } = record.trace;
  if (traceId) headers[Header.traceId] = traceId;
  if (traceparent) headers[Header.traceparent] = traceparent;
  if (tracestate) headers[Header.tracestate] = tracestate;
  if (attempt === 1 && record.idempotencyKey) headers[Header.idempotencyKey] = record.idempotencyKey;
  if (callbackToken) headers[Header.callbackToken] = callbackToken(record.id, attempt);
  return headers;
}

function parseSuccess(
  text: string,
  contentType: string | null,
  maxDepth: number,
  coldStart: boolean,
  initDurationMs: number | null,
): AttemptResult {
  if (contentType?.toLowerCase().startsWith("text/plain")) return { ok: true, output: text, coldStart, initDurationMs };
  const value = text.trim();
  if (value === "") return { ok: true, output: null, coldStart, initDurationMs };
  if (exceedsDepth(value, maxDepth)) {
    return failure(
      "POOL_ERROR",
      `Function answered JSON nested deeper than the limit of ${maxDepth} (NANOFAAS_MAX_JSON_DEPTH)`,
      coldStart,
      initDurationMs,
    );
  }
  try {
    JSON.parse(value); // validates; the output stays the function's own text
    return { ok: true, output: new RawJson(value), coldStart, initDurationMs };
  } catch (error) {
    return failure(
      "POOL_ERROR",
      `Function returned invalid JSON: ${(error as Error).message}`,
      coldStart,
      initDurationMs,
    );
  }
}

function transportFailure(error: unknown, timeoutMs: number): AttemptResult {
  const name = (error as { name?: string })?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return failure("POOL_TIMEOUT", `Pool request timed out after ${timeoutMs}ms`, false, null, "timeout");
  }
  return failure("POOL_ERROR", (error as Error)?.message || String(error), false, null, "connection");
}

function parseInitDuration(raw: string | null): number {
  const n = raw === null ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}
