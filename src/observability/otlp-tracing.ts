/**
 * @module
 * Optional span export over OTLP/HTTP (NANOFAAS_OTLP_ENDPOINT). main.ts imports this module only
 * when an endpoint is configured, so with tracing off none of the OpenTelemetry SDK is loaded and
 * the engine has no tracing hooks at all. Spans are created by hand (auto-instrumentation does not
 * see Bun.serve or fetch — anchors Part 2 §B):
 *   - one span per execution (`invoke <fn>` / `enqueue <fn>`), child of the caller's traceparent;
 *   - one CLIENT span per attempt (`dispatch <fn>`); the pod receives a traceparent naming that
 *     span as parent, and X-Trace-Id = the trace id when the caller sent none.
 * Sampling follows the caller's sampled flag (parent-based); new traces are always sampled.
 */
import {
  context,
  createTraceState,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord, Lane } from "../execution/execution-record";
import { formatTraceparent, parseTraceparent } from "./trace-context";

export interface OtlpTracingOptions {
  /** Collector base URL (`/v1/traces` is appended unless present), as OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  serviceVersion: string;
  /** Batch delay; tests shorten it. */
  scheduledDelayMillis?: number;
}

export interface OtlpTracing {
  observer: EngineObserver;
  /** Exports what is buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

export const tracesUrl = (endpoint: string) =>
  /\/v1\/traces\/?$/.test(endpoint) ? endpoint : `${endpoint.replace(/\/+$/, "")}/v1/traces`;

interface ExecutionSpans {
  execution: Span;
  attempt?: Span;
}

export function createOtlpTracing(options: OtlpTracingOptions): OtlpTracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": "nanofaas-control-plane",
      "service.version": options.serviceVersion,
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: tracesUrl(options.endpoint) }),
        scheduledDelayMillis: options.scheduledDelayMillis ?? 1000,
      }),
    ],
  });
  const tracer = provider.getTracer("nanofaas");
  // Keyed by record so an execution that somehow never finishes cannot leak its spans.
  const spans = new WeakMap<ExecutionRecord, ExecutionSpans>();

  const parentContext = (record: ExecutionRecord) => {
    const parsed = record.trace.traceparent ? parseTraceparent(record.trace.traceparent) : undefined;
    if (!parsed) return ROOT_CONTEXT;
    const traceState = record.trace.tracestate ? createTraceState(record.trace.tracestate) : undefined;
    return trace.setSpanContext(ROOT_CONTEXT, {
      traceId: parsed.traceId,
      spanId: parsed.spanId,
      traceFlags: parsed.flags,
      isRemote: true,
      traceState,
    });
  };

  const endAttempt = (state: ExecutionSpans, error: { code: string; message: string } | null) => {
    if (!state.attempt) return;
    if (error) {
      state.attempt.setAttribute("error.type", error.code);
      state.attempt.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    }
    state.attempt.end();
    state.attempt = undefined;
  };

  const observer: EngineObserver = {
    onEnqueued(record: ExecutionRecord, lane: Lane) {
      if (record.attempt !== 1 || spans.has(record)) return;
      const execution = tracer.startSpan(
        `${lane === "sync" ? "invoke" : "enqueue"} ${record.fn.name}`,
        {
          kind: SpanKind.SERVER,
          startTime: record.createdAt,
          attributes: { "faas.invoked_name": record.fn.name, "faas.invocation_id": record.id, "nanofaas.lane": lane },
        },
        parentContext(record),
      );
      spans.set(record, { execution });
      record.trace.traceId ??= execution.spanContext().traceId;
    },

    onDispatched(record: ExecutionRecord) {
      const state = spans.get(record);
      if (!state) return;
      endAttempt(state, null);
      state.attempt = tracer.startSpan(
        `dispatch ${record.fn.name}`,
        { kind: SpanKind.CLIENT, attributes: { "nanofaas.attempt": record.attempt, "faas.invocation_id": record.id } },
        trace.setSpan(context.active(), state.execution),
      );
      // The pod's parent is this attempt: the dispatcher reads record.trace right after this hook.
      const sc = state.attempt.spanContext();
      record.trace.traceparent = formatTraceparent({ traceId: sc.traceId, spanId: sc.spanId, flags: sc.traceFlags });
    },

    onRetryScheduled(record: ExecutionRecord) {
      const state = spans.get(record);
      if (state) endAttempt(state, record.lastError ?? { code: "ATTEMPT_FAILED", message: "attempt failed" });
    },

    onFinished(record: ExecutionRecord) {
      const state = spans.get(record);
      if (!state) return;
      spans.delete(record);
      const error =
        record.state === "error"
          ? record.error
          : record.state === "timeout"
            ? { code: "TIMEOUT", message: "timed out" }
            : null;
      endAttempt(state, error);
      state.execution.setAttribute("faas.coldstart", record.coldStart);
      state.execution.setAttribute("nanofaas.status", record.state);
      if (error) {
        state.execution.setAttribute("error.type", error.code);
        state.execution.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      }
      state.execution.end(record.finishedAt ?? undefined);
    },
  };

  return { observer, shutdown: () => provider.shutdown() };
}
