/**
 * @module
 * One `GET <baseUrl>/health` probe, as the local deployment backends use it to decide when a
 * replica is ready and whether it stays healthy (reference §5.5: 2xx is healthy).
 */

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

/** A short reason: Bun's connection errors carry an errno `code` and a long generic message. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "connection refused";
  return typeof code === "string" && code !== "" ? code : error.message;
}
