/**
 * @module
 * The `/health` probe, an abortable sleep and the restart backoff of docker-backend replicas.
 * Same behaviour as the process backend's helpers (src/deploy/process/probe.ts); kept separate
 * until both backends move them to src/lib together.
 */

export type ProbeResult = { ok: true } | { ok: false; detail: string };

/** `GET <baseUrl>/health`; 2xx is healthy (reference §5.5). Never rejects. */
export async function probeHealth(baseUrl: string, signal: AbortSignal, timeoutMs: number): Promise<ProbeResult> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    // Drain the body so that the keep-alive connection can be reused by the next probe.
    await response.arrayBuffer();
    return response.ok ? { ok: true } : { ok: false, detail: `GET /health answered ${response.status}` };
  } catch (error) {
    const reason = error instanceof Error ? (error.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : error.message) : String(error);
    return { ok: false, detail: `GET /health failed: ${reason}` };
  }
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

/** Delay before restart number `failures + 1`: base·2^failures, capped. */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures, 30));
}
