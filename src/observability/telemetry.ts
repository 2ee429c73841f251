/**
 * @module
 * Everything observability adds to a control plane, built in one call so the composition in
 * control-plane.ts stays a few lines: metrics on the injected registry, the engine observer
 * (trace normalisation first, then an optional tracer, metrics, logs), the function lifecycle
 * listener that drops a deleted function's series, and API request telemetry.
 */
import type { Registry } from "prom-client";
import type { EngineObserver } from "../execution/engine-observer";
import type { FunctionLifecycleListener } from "../execution/function-lifecycle";
import { combineObservers } from "./combine-observers";
import { createHttpTelemetry, type HttpTelemetry } from "./http-telemetry";
import { createLogObserver } from "./log-observer";
import type { Logger } from "./logger";
import { type ControlPlaneMetrics, createMetrics, type QueueGaugeSource } from "./metrics";
import { tracePropagationObserver } from "./trace-context";

export interface TelemetryDeps {
  registry: Registry;
  version: string;
  logger: Logger;
  /** The engine's queues, read at scrape time (the engine may be built after this call). */
  queues: () => ReadonlyMap<string, QueueGaugeSource>;
  /** NANOFAAS_METRICS_REFERENCE_QUANTILES (docs/observability.md). */
  referenceQuantiles?: boolean;
  /** Extra observer (the OTLP tracer, a test probe); runs after trace normalisation. */
  observer?: EngineObserver;
}

export interface Telemetry {
  metrics: ControlPlaneMetrics;
  observer: EngineObserver;
  lifecycle: FunctionLifecycleListener;
  http: HttpTelemetry;
}

export function createTelemetry(deps: TelemetryDeps): Telemetry {
  const { logger } = deps;
  const metrics = createMetrics({
    registry: deps.registry,
    queues: deps.queues,
    version: deps.version,
    referenceQuantiles: deps.referenceQuantiles,
  });
  const lifecycle: FunctionLifecycleListener = {
    onRegistered(fn) {
      metrics.functions.onRegistered(fn);
      logger.info({ function: fn.name, executionMode: fn.effectiveExecutionMode }, "function registered");
    },
    onRemoved(fn) {
      metrics.functions.onRemoved(fn);
      logger.info({ function: fn.name }, "function removed");
    },
  };
  return {
    metrics,
    observer: combineObservers(tracePropagationObserver, deps.observer, metrics.functions, createLogObserver(logger)),
    lifecycle,
    http: createHttpTelemetry({ metrics: metrics.http, logger }),
  };
}
