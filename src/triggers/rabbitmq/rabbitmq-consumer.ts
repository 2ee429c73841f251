/**
 * @module
 * One RabbitMQ event source of one function (issue 21): an `amqplib` consumer with manual acks on
 * an existing queue whose messages become async executions. At-least-once:
 * - each message is enqueued, with the idempotency key `rabbitmq:<queue>:<message id>` when the
 *   publisher set a `message_id` — a message redelivered after a crash (or a lost connection) then
 *   joins the execution it already started; without one it runs again;
 * - acked only once that execution ended `success`;
 * - an execution that failed after the function's attempts is dead-lettered by the engine's DLQ (the
 *   engine does the retries), so the message is rejected without requeue: the broker drops it, or
 *   dead-letters it to the queue's own `x-dead-letter-exchange` when the queue has one;
 * - an execution that could not be admitted (lane full, store unavailable) or ended for a reason
 *   that is not the function's (shutdown, function removed) is retried after 1 s, 2 s … 30 s while
 *   the message stays unacked (RabbitMQ has no delayed requeue: a requeued message would come
 *   straight back); when the consumer stops meanwhile the message is requeued;
 * - a body that is not JSON is rejected without requeue and counted `invalid`.
 * Backpressure: the channel's prefetch (the source's `prefetch`, default the function's concurrency,
 * at most its queueSize) bounds the unacked messages; a message waiting for room in the lane stays
 * unacked, so a full lane stops the broker's deliveries and nothing is dropped.
 * Reconnects with backoff (0.5 s … 10 s) when the broker goes away; the broker requeues the unacked
 * messages of a closed connection itself.
 */
import type { ConsumeMessage } from "amqplib";
import type { InvocationRequest } from "../../contracts/pod";
import type { RabbitMqEventSource } from "../../domain/event-sources";
import type { Payload } from "../../domain/payload";
import type { Invoker } from "../../execution/invoker";
import type { Logger } from "../../observability/logger";
import type { EventSourceMetrics } from "../message-queues/event-source-metrics";
import { type MessageOutcome, type SettleAction, settleAction } from "../message-queues/settle-action";
import type { TerminalWaiter } from "../message-queues/terminal-waiter";
import { type ConsumerState, redactCredentials, type TriggerActivity } from "../trigger-activity";
import { type AmqpConnect, type AmqpSession, amqplibConnect, openSession } from "./amqp-session";
import { Sleeper } from "./sleeper";

const LAG_EVERY_MS = 2_000;

export interface RabbitMqConsumerDeps {
  functionName: string;
  source: RabbitMqEventSource;
  /** The resolved URL (from `url` or the allowed environment variable). */
  url: string;
  /** The function's concurrency and queueSize: the default prefetch and its bound. */
  limits: { concurrency: number; queueSize: number };
  invoker: Pick<Invoker, "enqueue">;
  waiter: TerminalWaiter;
  metrics: EventSourceMetrics;
  /** Connection state, last message and last error, for GET /v1/triggers. */
  activity?: TriggerActivity;
  logger: Logger;
  /** amqplib's connect; tests pass a fake broker. */
  connect?: AmqpConnect;
  /** Maps an intended wait to the one taken (tests shrink the backoffs); default identity. */
  delay?: (ms: number) => number;
}

/** The prefetch the channel gets: the source's, else the function's concurrency; never above queueSize. */
export function effectivePrefetch(source: RabbitMqEventSource, limits: RabbitMqConsumerDeps["limits"]): number {
  return Math.max(1, Math.min(source.prefetch ?? limits.concurrency, limits.queueSize));
}

/**
 * Wait before the n-th reconnect attempt after a failure: 0.5 s, 1 s, 2 s … at most 10 s, so a
 * restarted broker is consuming again within 10 s of coming back.
 */
export const reconnectDelayMs = (failures: number) => Math.min(10_000, 500 * 2 ** Math.min(failures, 5));

export class RabbitMqConsumer {
  private session?: AmqpSession;
  private stopped = false;
  private running?: Promise<void>;
  private readonly handlers = new Set<Promise<void>>();
  private readonly sleeper = new Sleeper();
  private readonly labels: { function: string; type: string; source: string };
  private readonly connect: AmqpConnect;
  private readonly delay: (ms: number) => number;

  constructor(private readonly deps: RabbitMqConsumerDeps) {
    this.labels = { function: deps.functionName, type: "rabbitmq", source: deps.source.queue };
    this.connect = deps.connect ?? amqplibConnect;
    this.delay = deps.delay ?? ((ms) => ms);
  }

  start(): void {
    this.running = this.run();
  }

  /**
   * Stops deliveries, waits for the messages being handled to settle (their executions to end; a
   * message waiting for room is requeued at once), then closes the connection.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.session?.cancel();
    this.sleeper.wakeAll();
    await this.running;
    await this.session?.cancel(); // a session opened while stopping
    await Promise.allSettled([...this.handlers]);
    await this.session?.close();
    this.deps.metrics.forget(this.labels);
    this.deps.activity?.forget("rabbitmq", this.deps.functionName, this.labels.source);
  }

  /** Messages being handled now (tests). */
  get inFlight(): number {
    return this.handlers.size;
  }

  private report(state: ConsumerState, error?: unknown): void {
    this.deps.activity?.consumer("rabbitmq", this.deps.functionName, this.labels.source, state, error);
  }

  private async run(): Promise<void> {
    this.report("connecting");
    for (let failures = 0; !this.stopped; failures++) {
      let reason: unknown;
      try {
        const session = await openSession({
          url: this.deps.url,
          queue: this.deps.source.queue,
          prefetch: effectivePrefetch(this.deps.source, this.deps.limits),
          onMessage: (from, message) => this.track(from, message),
          connect: this.connect,
        });
        this.session = session;
        if (this.stopped) break;
        failures = 0;
        this.report("consuming");
        reason = await this.watch(session);
        if (this.stopped) break;
        // The connection is gone (or only the channel: close the rest before opening anew).
        await session.close();
      } catch (error) {
        reason = error;
      }
      if (this.stopped) break;
      this.report("reconnecting", reason);
      const message = redactCredentials(reason instanceof Error ? reason.message : String(reason));
      this.deps.logger.warn(
        { function: this.deps.functionName, queue: this.deps.source.queue, err: message },
        "RabbitMQ event source unavailable; retrying",
      );
      await this.sleeper.sleep(this.delay(reconnectDelayMs(failures)));
    }
  }

  /** Samples the queue's ready messages (the lag) until the session ends or the consumer stops. */
  private async watch(session: AmqpSession): Promise<Error | undefined> {
    this.deps.metrics.lag.set(this.labels, session.ready);
    const stopping = this.sleeper.untilWoken();
    const timer = setInterval(() => {
      session.channel.checkQueue(this.deps.source.queue).then(
        ({ messageCount }) => this.deps.metrics.lag.set(this.labels, messageCount),
        () => undefined, // a failed check closes the channel: `closed` reports it
      );
    }, LAG_EVERY_MS);
    try {
      return await Promise.race([session.closed, stopping.woken.then(() => undefined)]);
    } finally {
      clearInterval(timer);
      stopping.dispose();
    }
  }

  private track(session: AmqpSession, message: ConsumeMessage): void {
    const handling: Promise<void> = this.handle(session, message)
      .catch((error) => {
        this.deps.logger.error({ function: this.deps.functionName, err: error }, "RabbitMQ message handling failed");
      })
      .finally(() => this.handlers.delete(handling));
    this.handlers.add(handling);
  }

  private async handle(session: AmqpSession, message: ConsumeMessage): Promise<void> {
    const { metrics } = this.deps;
    metrics.messages.inc({ ...this.labels, outcome: "delivered" });
    this.deps.activity?.fired("rabbitmq", this.deps.functionName, this.labels.source);
    for (let retries = 0; ; retries++) {
      const action = settleAction(await this.execute(message), retries);
      // Not the function's failure: try again later, holding the message (its prefetch slot) meanwhile.
      if (action.kind === "nak" && !this.stopped && session.live) {
        metrics.messages.inc({ ...this.labels, outcome: "nacked" });
        await this.sleeper.sleep(this.delay(action.delayMs));
        if (!this.stopped && session.live) continue;
      }
      this.settle(session, message, action);
      return;
    }
  }

  private settle(session: AmqpSession, message: ConsumeMessage, action: SettleAction): void {
    // A closed channel's unacked messages are back in the queue already: nothing to settle.
    if (!session.live) return;
    try {
      if (action.kind === "ack") session.channel.ack(message);
      // requeue false: dropped, or routed to the queue's dead-letter exchange when it has one.
      else if (action.kind === "term") session.channel.nack(message, false, false);
      else session.channel.nack(message, false, true);
    } catch {
      return; // the channel closed between the check and the call: the broker requeued the message
    }
    this.deps.metrics.messages.inc({ ...this.labels, outcome: action.counted });
  }

  private async execute(message: ConsumeMessage): Promise<MessageOutcome> {
    let input: Payload;
    try {
      input = JSON.parse(message.content.toString("utf8"));
    } catch {
      return { kind: "invalid" };
    }
    const request: InvocationRequest<Payload> = { input };
    const messageId: unknown = message.properties.messageId;
    const { queue } = this.deps.source;
    const options = {
      trigger: { type: "rabbitmq" as const, id: queue },
      ...(typeof messageId === "string" && messageId !== ""
        ? { idempotencyKey: `rabbitmq:${queue}:${messageId}` }
        : {}),
    };
    try {
      const { executionId } = await this.deps.invoker.enqueue(this.deps.functionName, request, options);
      return { kind: "ended", executionId, ...(await this.deps.waiter.wait(executionId)) };
    } catch (error) {
      return { kind: "not-admitted", error };
    }
  }
}
