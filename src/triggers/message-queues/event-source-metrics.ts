/**
 * @module
 * Metrics of the message-queue consumers (issue 21): messages by outcome and the consumer lag.
 * Labels: function, type (nats | rabbitmq), source (nats: `<stream>/<durable>`; rabbitmq: the queue).
 */
import { Counter, Gauge, type Registry } from "prom-client";

export interface EventSourceLabels {
  function: string;
  type: string;
  source: string;
}

export interface EventSourceMetrics {
  /** outcome: delivered | acked | nacked | failed (terminated after the function's attempts) | invalid (not JSON). */
  messages: Counter<"function" | "type" | "source" | "outcome">;
  /** Messages in the broker not yet delivered to this consumer. */
  lag: Gauge<"function" | "type" | "source">;
  /** Drops a stopped consumer's lag series (its counters stay: they are totals). */
  forget(labels: EventSourceLabels): void;
}

export function createEventSourceMetrics(registry: Registry): EventSourceMetrics {
  const messages = new Counter({
    name: "nanofaas_event_source_messages_total",
    help: "Messages of message-queue event sources by outcome: delivered, acked, nacked, failed (terminated after the function's attempts, in the DLQ), invalid (not JSON, terminated)",
    labelNames: ["function", "type", "source", "outcome"] as const,
    registers: [registry],
  });
  const lag = new Gauge({
    name: "nanofaas_event_source_consumer_lag",
    help: "Messages waiting in the broker that this consumer has not received yet",
    labelNames: ["function", "type", "source"] as const,
    registers: [registry],
  });
  return { messages, lag, forget: (labels) => lag.remove(labels) };
}
