/**
 * @module
 * The API listener's Bun.serve options, and the one exception to its idle timeout. Bun closes a
 * connection that stays silent for `idleTimeout` seconds (at most 255). A sync `:invoke` may wait
 * up to 900 s for its outcome, so its timer is switched off — but only once its body has been read:
 * a client that sends headers and never the body is still closed after the idle timeout.
 */
/** What Bun passes to `fetch` as its second argument (only the part used here). */
interface IdleTimerServer {
  timeout(request: Request, seconds: number): void;
}

/**
 * Lets a sync invocation whose body is read wait past the idle timeout. `server` is Bun's Server
 * (Hono's `c.env`); anything else (app.request() in tests, Deno) is left alone.
 */
export function waitBeyondIdleTimeout(server: unknown, request: Request): void {
  const timer = server as Partial<IdleTimerServer> | undefined;
  if (typeof timer?.timeout !== "function") return;
  try {
    timer.timeout(request, 0);
  } catch {
    // A request Bun does not know (a copy made by the fast path) keeps the default timer.
  }
}

export interface ApiListenerOptions {
  hostname: string;
  port: number;
  /** Seconds a connection may stay silent (Bun's cap is 255); tests make it short. */
  idleTimeoutSeconds?: number;
}

/** `handler` is the control plane's fetch (the invoke fast path in front of the app). */
export function apiServeOptions(
  handler: (request: Request, server: object) => Response | Promise<Response>,
  options: ApiListenerOptions,
) {
  return {
    hostname: options.hostname,
    port: options.port,
    idleTimeout: options.idleTimeoutSeconds ?? 255,
    // The app enforces NANOFAAS_MAX_BODY_BYTES on every body it reads (413 in the JSON envelope);
    // Bun's own cap would answer first with a bare 413, so it is set out of the way.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    fetch: handler,
  };
}
