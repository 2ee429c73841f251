/**
 * @module
 * One NATS JetStream event source of one function (issue 21): a durable pull consumer whose
 * messages become async executions. At-least-once:
 * - each message is enqueued with the idempotency key `nats:<stream>:<durable>:<stream seq>`, so a
 *   message redelivered after a crash (or while its execution still runs) joins the same execution;
 * - acked only once that execution ended `success`;
 * - an execution that failed after the function's attempts is dead-lettered by the engine's DLQ
 *   (the engine does the retries), so the message is terminated, not redelivered: one failure,
 *   one DLQ entry;
 * - nak with backoff when the execution could not be admitted (lane full, store unavailable) or
 *   ended for a reason that is not the function's (shutdown, function removed);
 * - a body that is not JSON is terminated and counted `invalid` (it would fail every redelivery).
 * Backpressure: it pulls only as many messages as the function's async lane has room for, and keeps
 * at most `queueSize` unacknowledged; while executions run it tells the server it is working, so
 * the ack wait only redelivers messages of a consumer that died.
 */
import { AckPolicy, connect, type Consumer, DeliverPolicy, type JsMsg, type NatsConnection, nanos } from "nats";
import type { NatsEventSource } from "../../domain/event-sources";
import type { Payload } from "../../domain/payload";
import type { InvocationRequest } from "../../contracts/pod";
import type { Invoker } from "../../execution/invoker";
import type { Logger } from "../../observability/logger";
import { type MessageOutcome, settleAction } from "../message-queues/settle-action";
import type { TerminalWaiter } from "../message-queues/terminal-waiter";
import type { EventSourceMetrics } from "../message-queues/event-source-metrics";
import type { ConsumerState, TriggerActivity } from "../trigger-activity";

/** The server redelivers a message not acked (nor marked working) within this. */
export const ACK_WAIT_MS = 10_000;
const WORKING_EVERY_MS = 3_000;
const FETCH_EXPIRES_MS = 2_000;
const MAX_BATCH = 256;
const LAG_EVERY_MS = 2_000;

export interface NatsConsumerDeps {
  functionName: string;
  source: NatsEventSource;
  /** The resolved URL (from `url` or the allowed environment variable). */
  url: string;
  invoker: Pick<Invoker, "enqueue">;
  waiter: TerminalWaiter;
  /** How many more async executions the function's lane takes now, and how many messages may be unacked. */
  room: () => { lane: number; unacked: number };
  metrics: EventSourceMetrics;
  /** Connection state, last message and last error, for GET /v1/triggers. */
  activity?: TriggerActivity;
  logger: Logger;
}

export class NatsConsumer {
  private connection?: NatsConnection;
  private stopped = false;
  private readonly inFlight = new Set<JsMsg>();
  private readonly handlers = new Set<Promise<void>>();
  private running?: Promise<void>;
  private wakeUp?: () => void;
  private readonly labels: { function: string; type: string; source: string };

  constructor(private readonly deps: NatsConsumerDeps) {
    this.labels = { function: deps.functionName, type: "nats", source: `${deps.source.stream}/${deps.source.durable}` };
  }

  start(): void {
    this.running = this.run();
  }

  /** Stops pulling, waits for the messages being handled to settle, then drains the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
    await Promise.allSettled([...this.handlers]);
    await this.connection?.drain().catch(() => undefined);
    this.deps.metrics.forget(this.labels);
    this.deps.activity?.forget("nats", this.deps.functionName, this.labels.source);
  }

  private report(state: ConsumerState, error?: unknown): void {
    this.deps.activity?.consumer("nats", this.deps.functionName, this.labels.source, state, error);
  }

  private async run(): Promise<void> {
    this.report("connecting");
    for (let failures = 0; !this.stopped; failures++) {
      try {
        const consumer = await this.open();
        failures = 0;
        this.report("consuming");
        await this.pull(consumer);
      } catch (error) {
        if (this.stopped) break;
        this.report("reconnecting", error);
        this.deps.logger.warn(
          { function: this.deps.functionName, source: this.labels.source, err: error },
          "NATS event source unavailable; retrying",
        );
        await this.pause(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  /** Connects (reconnecting for ever on its own) and finds or creates the durable consumer. */
  private async open(): Promise<Consumer> {
    this.connection ??= await connect({
      servers: this.deps.url,
      name: `nanofaas:${this.deps.functionName}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
    const { stream, durable, subject } = this.deps.source;
    const manager = await this.connection.jetstreamManager();
    const existing = await manager.consumers.info(stream, durable).catch(() => undefined);
    if (!existing) {
      await manager.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: subject,
        ack_wait: nanos(ACK_WAIT_MS),
        // The engine retries and dead-letters; a nak'ed message (lane full, shutdown) waits its turn for ever.
        max_deliver: -1,
      });
    }
    return this.connection.jetstream().consumers.get(stream, durable);
  }

  private async pull(consumer: Consumer): Promise<void> {
    let lagAt = 0;
    let workingAt = Date.now();
    while (!this.stopped) {
      if (Date.now() - lagAt >= LAG_EVERY_MS) {
        lagAt = Date.now();
        const info = await consumer.info();
        this.deps.metrics.lag.set(this.labels, info.num_pending);
      }
      if (Date.now() - workingAt >= WORKING_EVERY_MS) {
        workingAt = Date.now();
        for (const message of this.inFlight) message.working();
      }
      const room = this.deps.room();
      const want = Math.min(MAX_BATCH, room.lane, room.unacked - this.inFlight.size);
      if (want <= 0) {
        await this.pause(100);
        continue;
      }
      const batch = await consumer.fetch({ max_messages: want, expires: FETCH_EXPIRES_MS });
      for await (const message of batch) this.track(message);
    }
  }

  private track(message: JsMsg): void {
    this.inFlight.add(message);
    const handling = this.handle(message).finally(() => {
      this.inFlight.delete(message);
      this.handlers.delete(handling);
      this.wakeUp?.();
    });
    this.handlers.add(handling);
  }

  private async handle(message: JsMsg): Promise<void> {
    const { metrics } = this.deps;
    metrics.messages.inc({ ...this.labels, outcome: "delivered" });
    this.deps.activity?.fired("nats", this.deps.functionName, this.labels.source);
    const outcome = await this.execute(message);
    const action = settleAction(outcome, message.info.redeliveryCount);
    if (action.kind === "ack") message.ack();
    // No reason string: nats-server before 2.10 ignores "+TERM <reason>" and redelivers the message.
    else if (action.kind === "term") message.term();
    else message.nak(action.delayMs);
    metrics.messages.inc({ ...this.labels, outcome: action.counted });
  }

  private async execute(message: JsMsg): Promise<MessageOutcome> {
    let input: Payload;
    try {
      input = JSON.parse(new TextDecoder().decode(message.data));
    } catch {
      return { kind: "invalid" };
    }
    const { stream, durable } = this.deps.source;
    const request: InvocationRequest<Payload> = { input };
    try {
      const { executionId } = await this.deps.invoker.enqueue(this.deps.functionName, request, {
        idempotencyKey: `nats:${stream}:${durable}:${message.seq}`,
        trigger: { type: "nats", id: `${stream}/${durable}` },
      });
      return { kind: "ended", executionId, ...(await this.deps.waiter.wait(executionId)) };
    } catch (error) {
      return { kind: "not-admitted", error };
    }
  }

  /** Sleeps, cut short by stop() or a settled message (room to pull more). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }
}
