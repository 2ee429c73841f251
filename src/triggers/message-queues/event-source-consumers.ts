/**
 * @module
 * Starts and stops each function's message-queue consumers with the function's life (issue 21): a
 * lifecycle listener of the function service, attached by main.ts after start-up recovery (so a
 * redelivered message finds its execution's idempotency key) — consumers start on registration and
 * on recovery, are replaced when the function is registered again, and stop on delete and on drain.
 */
import { type EventSource, SOURCE_ENV_PATTERN } from "../../domain/event-sources";
import type { ResolvedFunction } from "../../domain/resolved-function";
import type { FunctionLifecycleListener } from "../../execution/function-lifecycle";
import type { Invoker } from "../../execution/invoker";
import type { Logger } from "../../observability/logger";
import type { QueueStats } from "../../queue/function-queue";
import { NatsConsumer } from "../nats/nats-consumer";
import type { AmqpConnect } from "../rabbitmq/amqp-session";
import { RabbitMqConsumer } from "../rabbitmq/rabbitmq-consumer";
import type { TriggerActivity } from "../trigger-activity";
import { eventSourceId } from "../trigger-catalog";
import type { EventSourceMetrics } from "./event-source-metrics";
import type { TerminalWaiter } from "./terminal-waiter";

interface Stoppable {
  start(): void;
  stop(): Promise<void>;
}

const UNSET_VARIABLE = "its urlFromEnv variable is not set (or not a NANOFAAS_SOURCE_* name)";

export interface EventSourceConsumersDeps {
  invoker: Pick<Invoker, "enqueue">;
  waiter: TerminalWaiter;
  queues: () => ReadonlyMap<string, QueueStats>;
  metrics: EventSourceMetrics;
  /** Where consumers report their state (GET /v1/triggers); a source not started says why there. */
  activity?: TriggerActivity;
  logger: Logger;
  /** Reads an environment variable; called only with names matching SOURCE_ENV_PATTERN. */
  env: (name: string) => string | undefined;
  /** RabbitMQ's connect (amqplib by default; tests pass a fake broker). */
  amqpConnect?: AmqpConnect;
}

export class EventSourceConsumers implements FunctionLifecycleListener {
  private readonly running = new Map<string, { consumers: Stoppable[]; stopped?: Promise<void> }>();

  constructor(private readonly deps: EventSourceConsumersDeps) {}

  onRegistered(fn: ResolvedFunction): void {
    const previous = this.running.get(fn.name);
    const before = previous ? this.stopFunction(fn.name) : Promise.resolve();
    const consumers = (fn.eventSources ?? []).flatMap((source) => this.create(fn, source));
    if (consumers.length === 0) return;
    const entry = { consumers };
    this.running.set(fn.name, entry);
    // A replaced spec's consumers release their messages first (same durable: one puller at a time).
    void before.then(() => {
      if (this.running.get(fn.name) === entry) for (const consumer of consumers) consumer.start();
    });
  }

  onRemoved(fn: ResolvedFunction): void {
    void this.stopFunction(fn.name);
  }

  /** Every consumer stops pulling and settles its messages (shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((name) => this.stopFunction(name)));
  }

  private stopFunction(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return Promise.resolve();
    this.running.delete(name);
    entry.stopped ??= Promise.all(entry.consumers.map((c) => c.stop())).then(() => undefined);
    return entry.stopped;
  }

  private create(fn: ResolvedFunction, source: EventSource): Stoppable[] {
    const url = this.urlOf(source);
    const refusal = url === undefined ? UNSET_VARIABLE : this.refusal(source, url);
    if (refusal !== undefined || url === undefined) {
      const log = { function: fn.name, type: source.type, urlFromEnv: source.urlFromEnv };
      this.deps.logger.error(log, `event source not started: ${refusal}`);
      this.deps.activity?.consumer(source.type, fn.name, eventSourceId(source), "not-started", refusal);
      return [];
    }
    const { invoker, waiter, metrics, activity, logger } = this.deps;
    const common = { functionName: fn.name, url, invoker, waiter, metrics, activity, logger };
    if (source.type === "rabbitmq") {
      const limits = { concurrency: fn.concurrency, queueSize: fn.queueSize };
      return [new RabbitMqConsumer({ ...common, source, limits, connect: this.deps.amqpConnect })];
    }
    return [new NatsConsumer({ ...common, source, room: () => this.room(fn.name) })];
  }

  /** Why a source with this URL cannot be consumed, or undefined when it can. */
  private refusal(source: EventSource, url: string): string | undefined {
    // A literal url was checked at registration; one from the environment is checked here.
    if (!URL.canParse(url) || new URL(url).hostname === "") return "not a URL with a host";
    if (source.type === "nats" && !/^(nats|tls):\/\//i.test(url)) return "not a nats:// or tls:// URL";
    if (source.type === "rabbitmq" && !/^amqps?:\/\/[^/\s]/i.test(url)) return "not an amqp:// or amqps:// URL";
    return undefined;
  }

  private urlOf(source: EventSource): string | undefined {
    if (source.url !== undefined) return source.url;
    const name = source.urlFromEnv ?? "";
    return SOURCE_ENV_PATTERN.test(name) ? this.deps.env(name) || undefined : undefined;
  }

  /** Room in the function's async lane now, and how many messages it may hold unacked (its queueSize). */
  private room(name: string): { lane: number; unacked: number } {
    const queue = this.deps.queues().get(name);
    if (!queue) return { lane: 0, unacked: 0 };
    return { lane: queue.fn.queueSize - queue.async.size, unacked: queue.fn.queueSize };
  }
}
