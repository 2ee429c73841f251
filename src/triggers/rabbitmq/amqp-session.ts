/**
 * @module
 * One AMQP connection and its consuming channel for a RabbitMQ event source (issue 21): the part
 * that talks to amqplib, kept apart from the consumer's decisions so that those are tested with a
 * fake broker (rabbitmq-consumer.test.ts) and this with the real one (rabbitmq-consumer.tools.ts).
 *
 * amqplib is imported on first use: a control plane without RabbitMQ sources never loads it.
 */
import type { ConsumeMessage } from "amqplib";

/** The parts of amqplib's channel the consumer uses. */
export interface AmqpChannel {
  prefetch(count: number): Promise<unknown>;
  checkQueue(queue: string): Promise<{ messageCount: number }>;
  consume(
    queue: string,
    onMessage: (message: ConsumeMessage | null) => void,
    options: { noAck: false },
  ): Promise<{ consumerTag: string }>;
  cancel(consumerTag: string): Promise<unknown>;
  ack(message: ConsumeMessage): void;
  nack(message: ConsumeMessage, allUpTo: boolean, requeue: boolean): void;
  on(event: "close" | "error", listener: (error?: Error) => void): unknown;
}

/** The parts of amqplib's connection (its "channel model") the consumer uses. */
export interface AmqpConnection {
  createChannel(): Promise<AmqpChannel>;
  close(): Promise<void>;
  on(event: "close" | "error", listener: (error?: Error) => void): unknown;
}

export type AmqpConnect = (url: string) => Promise<AmqpConnection>;

/** A broker that does not answer the TCP and AMQP handshake within this is retried later. */
const CONNECT_TIMEOUT_MS = 10_000;

/** amqplib's connect; its own recovery is not used: the consumer owns reconnection (and its state). */
export const amqplibConnect: AmqpConnect = async (url) => {
  const amqplib = await import("amqplib");
  return amqplib.connect(url, { timeout: CONNECT_TIMEOUT_MS });
};

/** An open connection consuming one queue, until `closed` resolves with why it ended. */
export interface AmqpSession {
  readonly channel: AmqpChannel;
  /** Resolves (never rejects) when the connection or channel closed or the broker cancelled the consumer. */
  readonly closed: Promise<Error>;
  /** False once closed: a message of a dead session cannot be settled (the broker requeued it). */
  readonly live: boolean;
  /** Messages ready in the queue when the session opened. */
  readonly ready: number;
  /** Stops deliveries (the messages already delivered can still be settled). */
  cancel(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenSessionOptions {
  url: string;
  queue: string;
  prefetch: number;
  onMessage: (session: AmqpSession, message: ConsumeMessage) => void;
  connect: AmqpConnect;
}

/**
 * Connects, checks the queue exists (it is never declared here: its arguments — durability,
 * dead-letter exchange, queue type — are the operator's), sets the prefetch and starts consuming
 * with manual acks. Fails (after closing what it opened) when any step fails.
 */
export async function openSession(options: OpenSessionOptions): Promise<AmqpSession> {
  const connection = await options.connect(options.url);
  let end: (reason: Error) => void = () => {};
  const closed = new Promise<Error>((resolve) => {
    end = resolve;
  });
  let live = true;
  const finish = (reason: Error) => {
    live = false;
    end(reason);
  };
  // Without an 'error' listener an EventEmitter throws; 'close' follows every error.
  connection.on("error", () => {});
  connection.on("close", (error) => finish(error ?? new Error("the broker closed the connection")));
  try {
    const channel = await connection.createChannel();
    let channelError: Error | undefined;
    channel.on("error", (error) => {
      channelError = error;
    });
    channel.on("close", () => {
      live = false;
      // A closing connection closes its channels first: let its own reason (the broker's error) win.
      setTimeout(() => finish(channelError ?? new Error("the broker closed the channel")), 0);
    });
    const { messageCount } = await channel.checkQueue(options.queue);
    await channel.prefetch(options.prefetch);
    let consumerTag: string | undefined;
    const session: AmqpSession = {
      channel,
      closed,
      get live() {
        return live;
      },
      ready: messageCount,
      cancel: async () => {
        const tag = consumerTag;
        consumerTag = undefined;
        if (tag !== undefined && live) await channel.cancel(tag).catch(() => undefined);
      },
      close: async () => {
        finish(new Error("closed"));
        await connection.close().catch(() => undefined);
      },
    };
    const reply = await channel.consume(
      options.queue,
      (message) => {
        // null: the broker cancelled the consumer (the queue was deleted); reconnect and look again.
        if (message === null) finish(new Error(`the broker cancelled the consumer of queue '${options.queue}'`));
        else options.onMessage(session, message);
      },
      { noAck: false },
    );
    consumerTag = reply.consumerTag;
    return session;
  } catch (error) {
    live = false;
    await connection.close().catch(() => undefined);
    throw error;
  }
}
