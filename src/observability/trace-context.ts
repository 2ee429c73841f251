/**
 * @module
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for propagation to pods. A caller's
 * `traceparent`/`tracestate` and `X-Trace-Id` are stored on the execution and sent with every
 * attempt by the dispatcher; this module validates them once per execution and, when the caller
 * sent only `traceparent`, derives `X-Trace-Id` from its trace-id so pods, logs and the access log
 * share one id. An invalid `traceparent` is dropped together with its `tracestate`, as the
 * specification asks of a participant that cannot parse it.
 */
import type { EngineObserver } from "../execution/engine-observer";
import type { ExecutionRecord, TraceContext } from "../execution/execution-record";

export interface SpanContextParts {
  traceId: string;
  spanId: string;
  /** Trace flags byte (bit 0 = sampled). */
  flags: number;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/** Parses a `traceparent` header, or returns undefined when it is not valid W3C trace context. */
export function parseTraceparent(header: string): SpanContextParts | undefined {
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is forbidden; version 00 has exactly four fields; later versions may append more.
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (ALL_ZERO.test(traceId!) || ALL_ZERO.test(spanId!)) return undefined;
  return { traceId: traceId!, spanId: spanId!, flags: Number.parseInt(flags!, 16) };
}

export function formatTraceparent({ traceId, spanId, flags }: SpanContextParts): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, "0")}`;
}

/** The X-Trace-Id a request carries: its own header, else the trace-id of a valid traceparent. */
export function traceIdOf(
  xTraceId: string | null | undefined,
  traceparent: string | null | undefined,
): string | undefined {
  if (xTraceId && xTraceId.trim() !== "") return xTraceId;
  return traceparent ? parseTraceparent(traceparent)?.traceId : undefined;
}

/** Validates a fresh execution's trace context in place and fills X-Trace-Id from traceparent. */
export function normalizeTraceContext(trace: TraceContext): void {
  if (trace.traceparent === undefined) {
    trace.tracestate = undefined; // tracestate means nothing without a traceparent
    return;
  }
  const parsed = parseTraceparent(trace.traceparent);
  if (!parsed) {
    trace.traceparent = undefined;
    trace.tracestate = undefined;
    return;
  }
  trace.traceId ??= parsed.traceId;
}

/**
 * Runs first among the engine observers: normalises the trace context when an execution is first
 * queued, before the scheduler's dispatch (same tick, next microtask) reads it.
 */
export const tracePropagationObserver: EngineObserver = {
  onEnqueued(record: ExecutionRecord) {
    if (record.attempt === 1) normalizeTraceContext(record.trace);
  },
};
