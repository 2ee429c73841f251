/**
 * @module
 * A fake AMQP broker for the RabbitMQ consumer's unit tests: it records what the consumer does to
 * each message (ack, nack with or without requeue), lets a test deliver messages, close the
 * connection or cancel the consumer, and refuses connections or a missing queue like RabbitMQ does.
 * The real broker is exercised by src/triggers/rabbitmq/rabbitmq-consumer.tools.ts; this one pins the decisions.
 */
import { EventEmitter } from "node:events";
import type { ConsumeMessage } from "amqplib";
import type { AmqpChannel, AmqpConnection } from "../../src/triggers/rabbitmq/amqp-session";

export type Settlement = "ack" | "reject" | "requeue";

export class FakeChannel extends EventEmitter implements AmqpChannel {
  prefetchCount?: number;
  cancelled = false;
  closed = false;
  readonly settled = new Map<number, Settlement>();
  private onMessage?: (message: ConsumeMessage | null) => void;
  private nextTag = 1;

  constructor(private readonly broker: FakeBroker) {
    super();
  }

  async prefetch(count: number): Promise<void> {
    this.prefetchCount = count;
  }

  async checkQueue(queue: string): Promise<{ messageCount: number }> {
    if (!this.broker.queues.has(queue)) {
      this.close();
      throw new Error(`Operation failed: QueueDeclare; 404 (NOT-FOUND) with message "NOT_FOUND - no queue '${queue}'"`);
    }
    return { messageCount: this.broker.ready };
  }

  async consume(_queue: string, onMessage: (message: ConsumeMessage | null) => void): Promise<{ consumerTag: string }> {
    this.onMessage = onMessage;
    return { consumerTag: "ctag-1" };
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
  }

  ack(message: ConsumeMessage): void {
    this.settle(message, "ack");
  }

  nack(message: ConsumeMessage, _allUpTo: boolean, requeue: boolean): void {
    this.settle(message, requeue ? "requeue" : "reject");
  }

  /** A delivery: `body` as the message content, an optional `message_id`. */
  deliver(body: string, messageId?: string): ConsumeMessage {
    if (!this.onMessage || this.closed || this.cancelled) throw new Error("no consumer");
    const message = {
      content: Buffer.from(body),
      fields: { deliveryTag: this.nextTag++, redelivered: false, exchange: "", routingKey: "q", consumerTag: "ctag-1" },
      properties: { messageId, headers: {} },
    } as unknown as ConsumeMessage;
    this.onMessage(message);
    return message;
  }

  /** The broker cancels the consumer (its queue was deleted). */
  brokerCancel(): void {
    this.onMessage?.(null);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit("close");
  }

  private settle(message: ConsumeMessage, how: Settlement): void {
    if (this.closed) throw new Error("Channel closed");
    const tag = message.fields.deliveryTag;
    if (this.settled.has(tag)) throw new Error(`PRECONDITION_FAILED - unknown delivery tag ${tag}`);
    this.settled.set(tag, how);
  }
}

export class FakeConnection extends EventEmitter implements AmqpConnection {
  readonly channels: FakeChannel[] = [];
  closed = false;

  constructor(private readonly broker: FakeBroker) {
    super();
  }

  async createChannel(): Promise<FakeChannel> {
    const channel = new FakeChannel(this.broker);
    this.channels.push(channel);
    return channel;
  }

  async close(): Promise<void> {
    this.drop();
  }

  /** The connection ends (broker gone: with an error; closed by the client: without). */
  drop(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const channel of this.channels) channel.close();
    if (error) this.emit("error", error);
    this.emit("close", error);
  }
}

export class FakeBroker {
  readonly queues = new Set<string>(["jobs"]);
  readonly connections: FakeConnection[] = [];
  readonly urls: string[] = [];
  /** Connection attempts still to refuse. */
  refuse = 0;
  /** What checkQueue reports as ready. */
  ready = 0;

  readonly connect = async (url: string): Promise<FakeConnection> => {
    this.urls.push(url);
    if (this.refuse > 0) {
      this.refuse--;
      throw new Error("connect ECONNREFUSED 127.0.0.1:5672");
    }
    const connection = new FakeConnection(this);
    this.connections.push(connection);
    return connection;
  };

  /** The consuming channel of the newest connection. */
  get channel(): FakeChannel {
    const channel = this.connections.at(-1)?.channels.at(-1);
    if (!channel) throw new Error("no channel yet");
    return channel;
  }
}
