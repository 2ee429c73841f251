/**
 * @module
 * The pod contract as a `Request → Response` function (SPEC §2), independent of the server that
 * hosts it: `serve.ts` plugs it into Bun.serve, tests call it directly.
 */
import { type ErrorInfo, PodErrorCode, PodStatus } from "../../../src/contracts/pod.ts";
import { callbackBody, createCallbackSender } from "./callback.ts";
import { createColdStart } from "./cold-start.ts";
import { withExecutionTag } from "./console-tags.ts";
import { runWithDeadline } from "./invoke.ts";
import { createLogger, type LineWriter } from "./logger.ts";
import { createMetrics, type RuntimeMetrics } from "./metrics.ts";
import { parseInvocation } from "./request.ts";
import type { Handler } from "./sdk.ts";
import type { RuntimeSettings } from "./settings.ts";

export interface RuntimeOptions {
  handler: Handler;
  settings: RuntimeSettings;
  /** Milliseconds from process start to the end of handler initialisation. */
  initDurationMs: number;
  write: LineWriter;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  sleep?: (ms: number) => Promise<unknown>;
}

export interface Runtime {
  handle(request: Request): Promise<Response>;
  /** Report unhealthy (503) and close each connection after its current request. */
  startDraining(): void;
  /** Wait for callbacks still being delivered. */
  flushCallbacks(): Promise<void>;
  metrics: RuntimeMetrics;
}

const JSON_TYPE = { "Content-Type": "application/json" };

function errorResponse(status: number, error: ErrorInfo, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { ...JSON_TYPE, ...headers } });
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const { handler, settings, write } = options;
  const metrics = createMetrics();
  const coldStart = createColdStart(options.initDurationMs);
  const base = settings.functionName ? { function: settings.functionName } : {};
  const log = createLogger(write, base);
  const callbacks = createCallbackSender({
    fetch: options.fetch ?? ((url, init) => fetch(url, init)),
    sleep: options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))), // Bun.sleep is not in Node
    onFailure: (target, problem) => {
      metrics.callbackFailed();
      log.warn("callback delivery failed", { executionId: target.executionId, traceId: target.traceId, problem });
    },
  });
  let draining = false;

  async function invoke(request: Request): Promise<Response> {
    // While draining, a request that still reaches us was sent before the listener closed: it is
    // in-flight work and is served, on a connection that closes afterwards.
    const closing: Record<string, string> = draining ? { Connection: "close" } : {};
    const parsed = await parseInvocation(request, settings);
    if (!parsed.ok) {
      if (parsed.invocation?.callbackBase) {
        const { callbackBase, ...target } = parsed.invocation;
        callbacks.send({ ...target, base: callbackBase }, callbackBody(parsed));
      }
      return errorResponse(PodStatus.badRequest, parsed.error, closing);
    }
    const { executionId, traceId, attempt, callbackBase, callbackToken, input, metadata } = parsed.invocation;
    const logger = createLogger(write, { ...base, executionId, traceId });
    const isColdStart = coldStart.startInvocation();
    metrics.invocationStarted();
    const started = performance.now();
    const outcome = await withExecutionTag(executionId, traceId, () =>
      runWithDeadline(handler, { input, metadata }, { executionId, traceId, logger, isColdStart }, settings.timeoutMs),
    );
    metrics.invocationFinished(outcome.ok, (performance.now() - started) / 1000);
    if (callbackBase)
      callbacks.send({ base: callbackBase, executionId, traceId, attempt, callbackToken }, callbackBody(outcome));
    if (!outcome.ok) {
      if (outcome.status === PodStatus.handlerTimeout) metrics.timeout();
      logger.error("invocation failed", { error: outcome.error });
      return errorResponse(outcome.status, outcome.error, closing);
    }
    const cold = coldStart.claimHeaders();
    if (cold) metrics.coldStart();
    return new Response(outcome.body, { status: 200, headers: { ...JSON_TYPE, ...cold, ...closing } });
  }

  async function route(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/invoke" && request.method === "POST") return invoke(request);
    if (path === "/health" && request.method === "GET") {
      // Draining pods report 503 so load balancers stop sending work before the port closes.
      return Response.json({ status: draining ? "draining" : "ok" }, { status: draining ? 503 : 200 });
    }
    if (path === "/metrics" && request.method === "GET") {
      return new Response(metrics.render(), {
        headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    }
    return errorResponse(404, { code: PodErrorCode.notFound, message: "Endpoint not found" });
  }

  return {
    async handle(request) {
      try {
        return await route(request);
      } catch (error) {
        // Only infrastructure failures land here (e.g. the client vanished mid-body).
        log.error("request failed", { error: error instanceof Error ? error.message : String(error) });
        return errorResponse(500, { code: PodErrorCode.handlerError, message: "Internal runtime error" });
      }
    },
    startDraining() {
      draining = true;
    },
    flushCallbacks: () => callbacks.flush(),
    metrics,
  };
}
