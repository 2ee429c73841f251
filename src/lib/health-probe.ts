/**
 * @module
 * `GET <baseUrl>/health` probes, as the local deployment backends use them to decide when a
 * replica is ready and whether it stays healthy (reference §5.5: 2xx is healthy).
 */
import { sleep } from "./sleep";

/** `answered`: the program listens but is not healthy; `unreachable`: no HTTP answer at all. */
export type ProbeResult = { ok: true } | { ok: false; kind: "answered" | "unreachable"; detail: string };

/** Probes once within `timeoutMs`; failures are results, so this never rejects. */
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

/**
 * Probes every `intervalMs` (waiting first) until `signal` aborts, and yields each result: the
 * caller's loop holds only its policy. Nothing is yielded once the signal has aborted.
 */
export async function* probeHealthEvery(baseUrl: string, intervalMs: number, timeoutMs: number, signal: AbortSignal): AsyncGenerator<ProbeResult> {
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
