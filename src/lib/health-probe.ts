/**
 * @module
 * `GET <baseUrl>/health` probes, as the local deployment backends use them to decide when a
 * replica is ready and whether it stays healthy (reference §5.5: 2xx is healthy).
 */
import { sleep } from "./sleep";

/** `answered`: the program listens but is not healthy; `unreachable`: no HTTP answer at all. */
export type ProbeResult = { ok: true } | { ok: false; kind: "answered" | "unreachable"; detail: string };

/**
 * The shortest time one readiness probe gets, even right before a deadline: squeezing the last probe
 * to a millisecond would report "no answer" for a replica that answers 503, hiding the real reason.
 */
export const MIN_PROBE_TIMEOUT_MS = 100;

/** Probe timeout while waiting for readiness: at most 1 s, at least MIN_PROBE_TIMEOUT_MS. */
export const readinessProbeTimeout = (remainingMs: number) =>
  Math.min(1000, Math.max(MIN_PROBE_TIMEOUT_MS, remainingMs));

/** Probes once within `timeoutMs`; failures are results, so this never rejects. */
export async function probeHealth(baseUrl: string, signal: AbortSignal, timeoutMs: number): Promise<ProbeResult> {
  try {
    const response = await fetch(`${baseUrl}/health`, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    // Drain the body so that the keep-alive connection can be reused by the next probe.
    await response.arrayBuffer();
    return response.ok
      ? { ok: true }
      : { ok: false, kind: "answered", detail: `GET /health answered ${response.status}` };
  } catch (error) {
    return { ok: false, kind: "unreachable", detail: `GET /health failed: ${failureReason(error, timeoutMs)}` };
  }
}

/**
 * Probes every `intervalMs` (waiting first) until `signal` aborts, and yields each result: the
 * caller's loop holds only its policy. Nothing is yielded once the signal has aborted.
 */
export async function* probeHealthEvery(
  baseUrl: string,
  intervalMs: number,
  timeoutMs: number,
  signal: AbortSignal,
): AsyncGenerator<ProbeResult> {
  while (!signal.aborted) {
    await sleep(intervalMs, signal);
    if (signal.aborted) return;
    const result = await probeHealth(baseUrl, signal, timeoutMs);
    if (signal.aborted) return;
    yield result;
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
