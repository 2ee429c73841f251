/**
 * @module
 * Small async helpers for the replica lifecycle: an abortable sleep, the `/health` probe and the
 * restart backoff. Kept apart from replica.ts so that each is testable on its own.
 */

/** `answered`: the program listens but is not healthy; `unreachable`: no HTTP answer at all. */
export type ProbeResult = { ok: true } | { ok: false; kind: "answered" | "unreachable"; detail: string };

/** `GET <baseUrl>/health`; 2xx is healthy (reference §5.5). Never rejects. */
export async function probeHealth(baseUrl: string, signal: AbortSignal, timeoutMs: number): Promise<ProbeResult> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    // Drain the body so that the keep-alive connection can be reused by the next probe.
    await response.arrayBuffer();
    return response.ok ? { ok: true } : { ok: false, kind: "answered", detail: `GET /health answered ${response.status}` };
  } catch (error) {
    return { ok: false, kind: "unreachable", detail: `GET /health failed: ${failureReason(error, timeoutMs)}` };
  }
}

/** A short reason: Bun's connection errors carry an errno `code` and a long generic message. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "connection refused";
  return typeof code === "string" && code !== "" ? code : error.message;
}

/** Resolves after `ms`, or at once when `signal` aborts. Never rejects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Delay before restart number `failures + 1`: base·2^failures, capped (100 ms … 5 s by default). */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures, 30));
}
