/**
 * @module
 * The warm pod's HTTP surface (SPEC §2): `POST /invoke`, `GET /health`, `GET /metrics`. No I/O of
 * its own — main.ts hands these handlers to `Bun.serve`. Admission order on `/invoke`:
 * draining (503) → function runtime not ready (503) → MAX_INFLIGHT (429 + Retry-After) → bad
 * request (400) → run. Probes never count against the limit.
 */
import { Header } from "../../src/contracts/headers.ts";
import type { ColdStart } from "./cold-start.ts";
import type { Config } from "./config.ts";
import { errorBodyText, type InvocationError, PodErrorCode, podError } from "./errors.ts";
import type { Limiter } from "./limiter.ts";
import type { Logger } from "./log.ts";
import { METRICS_CONTENT_TYPE, type Metrics } from "./metrics.ts";
import { isInvocationError, readInvocation } from "./request.ts";
import type { Invocation, Outcome, Runner } from "./runners/index.ts";

export interface WarmAppDeps {
  config: Config;
  runner: Runner;
  limiter: Limiter;
  metrics: Metrics;
  coldStart: ColdStart;
  log: Logger;
}

export interface WarmApp {
  invoke(req: Request): Promise<Response>;
  health(): Response;
  metrics(): Response;
  notFound(req: Request): Response;
  /** `/health` answers 503 ("draining") from now on; `/invoke` still admits until `stopAdmitting`. */
  startDrain(): void;
  /** New `/invoke` calls answer 503 from now on. */
  stopAdmitting(): void;
}

const JSON_TYPE = "application/json";

export function createWarmApp(deps: WarmAppDeps): WarmApp {
  const { config, runner, limiter, metrics, log } = deps;
  let draining = false;
  let refusing = false;

  const run = async (req: Request): Promise<{ response: Response; settled?: Promise<void> }> => {
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await req.bytes();
    } catch {
      return { response: errorResponse(podError(PodErrorCode.badRequest, "Cannot read the request body")) };
    }
    const inv = readInvocation(body, req.headers, config);
    if (isInvocationError(inv)) {
      metrics.rejected("bad_request");
      return { response: errorResponse(inv) };
    }
    const started = performance.now();
    metrics.started();
    const outcome = await runner.invoke(inv);
    const timedOut = !outcome.ok && outcome.error.code === PodErrorCode.handlerTimeout;
    metrics.finished(outcome.ok, timedOut, (performance.now() - started) / 1000);
    return { response: respond(deps, outcome, inv), settled: outcome.settled };
  };

  return {
    async invoke(req) {
      if (refusing) {
        metrics.rejected("draining");
        return errorResponse(podError(PodErrorCode.unavailable, "The watchdog is shutting down"));
      }
      const state = runner.state();
      if (state !== "ready") {
        metrics.rejected("unavailable");
        return errorResponse(podError(PodErrorCode.unavailable, `Function runtime is ${state}`));
      }
      if (!limiter.tryAcquire()) {
        metrics.rejected("saturated");
        const error = podError(
          PodErrorCode.saturated,
          `MAX_INFLIGHT=${config.maxInflight} invocations are already running`,
        );
        return errorResponse(error, { [Header.retryAfter]: "1" });
      }
      let settled: Promise<void> | undefined;
      try {
        const result = await run(req);
        settled = result.settled;
        return result.response;
      } catch (error) {
        log.error("invocation crashed the watchdog handler", { error: String(error) });
        return errorResponse(podError(PodErrorCode.handlerError, "Internal watchdog error"));
      } finally {
        // The slot is held until the invocation's processes are gone (see Outcome.settled).
        if (settled) void settled.finally(() => limiter.release());
        else limiter.release();
      }
    },
    health() {
      const state = draining ? "draining" : runner.state();
      const status = state === "ready" ? "ok" : state;
      return Response.json({ status }, { status: status === "ok" ? 200 : 503 });
    },
    metrics() {
      return new Response(metrics.render(), { headers: { "Content-Type": METRICS_CONTENT_TYPE } });
    },
    notFound(req) {
      const path = new URL(req.url).pathname;
      return errorResponse(podError(PodErrorCode.notFound, `No route for ${req.method} ${path}`));
    },
    startDrain() {
      draining = true;
    },
    stopAdmitting() {
      draining = true;
      refusing = true;
    },
  };
}

function respond(deps: WarmAppDeps, outcome: Outcome, inv: Invocation): Response {
  const ids = { [Header.executionId]: inv.executionId };
  if (!outcome.ok) {
    deps.log.warn("invocation failed", {
      executionId: inv.executionId,
      traceId: inv.traceId,
      code: outcome.error.code,
      message: outcome.error.message,
    });
    return errorResponse(outcome.error, ids);
  }
  if (deps.log.enabled("debug"))
    deps.log.debug("invocation succeeded", { executionId: inv.executionId, traceId: inv.traceId });
  return new Response(outcome.json, {
    status: 200,
    headers: { "Content-Type": JSON_TYPE, ...ids, ...deps.coldStart.take() },
  });
}

function errorResponse(error: InvocationError, headers: Record<string, string> = {}): Response {
  return new Response(errorBodyText(error), {
    status: error.status,
    headers: { "Content-Type": JSON_TYPE, ...headers },
  });
}
