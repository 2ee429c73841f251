import { expect, test } from "bun:test";
import { Registry } from "prom-client";
import { FakeBroker } from "../../../test/fakes/fake-amqp";
import { until } from "../../../test/support/until";
import { NanofaasError } from "../../domain/errors";
import type { RabbitMqEventSource } from "../../domain/event-sources";
import type { ExecutionRecord } from "../../execution/execution-record";
import type { ExecutionView, InvokeOptions } from "../../execution/invoker";
import { silentLogger } from "../../observability/logger";
import { createEventSourceMetrics } from "../message-queues/event-source-metrics";
import { TerminalWaiter } from "../message-queues/terminal-waiter";
import { TriggerActivity } from "../trigger-activity";
import { effectivePrefetch, RabbitMqConsumer, reconnectDelayMs } from "./rabbitmq-consumer";

const source: RabbitMqEventSource = { type: "rabbitmq", url: "amqp://u:secret@broker", queue: "jobs" };

/** A consumer on a fake broker; executions end when the test says (`finish`). */
function harness(options: { prefetch?: number; refuseAdmissions?: number } = {}) {
  const broker = new FakeBroker();
  const registry = new Registry();
  const metrics = createEventSourceMetrics(registry);
  const activity = new TriggerActivity();
  const waiter = new TerminalWaiter();
  waiter.attach({
    findExecution: async (id) => ({ executionId: id, status: "running", error: null }) as ExecutionView,
  });
  const enqueued: { input: unknown; options: InvokeOptions }[] = [];
  let refuse = options.refuseAdmissions ?? 0;
  const invoker = {
    enqueue: async (_name: string, request: { input: unknown }, opts: InvokeOptions) => {
      if (refuse > 0) {
        refuse--;
        throw new NanofaasError("QUEUE_FULL", "lane full");
      }
      enqueued.push({ input: request.input, options: opts });
      return { executionId: `e${enqueued.length}`, status: "queued" as const, output: null, error: null };
    },
  };
  const consumer = new RabbitMqConsumer({
    functionName: "fn",
    source: { ...source, ...(options.prefetch ? { prefetch: options.prefetch } : {}) },
    url: source.url!,
    limits: { concurrency: 4, queueSize: 10 },
    invoker,
    waiter,
    metrics,
    activity,
    logger: silentLogger(),
    connect: broker.connect,
    delay: () => 1,
  });
  const finish = (executionId: string, status: ExecutionView["status"], code?: string) =>
    waiter.observer.onFinished?.({
      id: executionId,
      view: () => ({ executionId, status, error: code ? { code, message: code } : null }),
    } as unknown as ExecutionRecord);
  const counted = async (outcome: string) =>
    (await metrics.messages.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  const state = () => activity.get("rabbitmq", "fn", "jobs")?.state;
  return { broker, consumer, enqueued, finish, counted, state, activity, waiter };
}

test("prefetch: the source's, else the function's concurrency, never above its queueSize", () => {
  const limits = { concurrency: 4, queueSize: 10 };
  expect(effectivePrefetch(source, limits)).toBe(4);
  expect(effectivePrefetch({ ...source, prefetch: 7 }, limits)).toBe(7);
  expect(effectivePrefetch({ ...source, prefetch: 5000 }, limits)).toBe(10);
  expect(reconnectDelayMs(0)).toBe(500);
  expect(reconnectDelayMs(4)).toBe(8_000);
  expect(reconnectDelayMs(20)).toBe(10_000);
});

test("a success is acked only once its execution ended; a failure after the attempts is rejected; non-JSON is rejected", async () => {
  const h = harness({ prefetch: 6 });
  h.consumer.start();
  await until(() => h.state() === "consuming", "consuming");
  const channel = h.broker.channel;
  expect(channel.prefetchCount).toBe(6);
  const ok = channel.deliver(JSON.stringify({ n: 1 }), "m-1");
  const bad = channel.deliver(JSON.stringify({ n: 2 }));
  const junk = channel.deliver("not json");
  await until(() => h.enqueued.length === 2 && channel.settled.size === 1, "two enqueued, junk rejected");
  expect(channel.settled.get(junk.fields.deliveryTag)).toBe("reject");
  // The message_id becomes the idempotency key: a redelivery joins the same execution.
  expect(h.enqueued.map((e) => e.options.idempotencyKey)).toEqual(["rabbitmq:jobs:m-1", undefined]);
  expect(h.enqueued[0]?.input).toEqual({ n: 1 });
  // The execution says where it came from (GET /v1/executions/{id}: trigger).
  expect(h.enqueued.map((e) => e.options.trigger)).toEqual([
    { type: "rabbitmq", id: "jobs" },
    { type: "rabbitmq", id: "jobs" },
  ]);
  // Still running: nothing acked yet (at-least-once).
  await Bun.sleep(5);
  expect(channel.settled.has(ok.fields.deliveryTag)).toBe(false);
  h.finish("e1", "success");
  h.finish("e2", "error", "FUNCTION_ERROR");
  await until(() => channel.settled.size === 3, "all settled");
  expect(channel.settled.get(ok.fields.deliveryTag)).toBe("ack");
  expect(channel.settled.get(bad.fields.deliveryTag)).toBe("reject");
  expect(await h.counted("delivered")).toBe(3);
  expect(await h.counted("acked")).toBe(1);
  expect(await h.counted("failed")).toBe(1);
  expect(await h.counted("invalid")).toBe(1);
  expect(h.activity.get("rabbitmq", "fn", "jobs")?.lastFireAt).not.toBeNull();
  await h.consumer.stop();
  expect(h.broker.connections[0]?.closed).toBe(true);
  expect(h.activity.get("rabbitmq", "fn", "jobs")).toBeUndefined();
});

test("a message the lane cannot take yet stays unacked (backpressure) and is enqueued again after a backoff", async () => {
  const h = harness({ refuseAdmissions: 2 });
  h.consumer.start();
  await until(() => h.state() === "consuming", "consuming");
  const message = h.broker.channel.deliver(JSON.stringify({ n: 1 }));
  await until(() => h.enqueued.length === 1, "the third admission to succeed");
  expect(h.broker.channel.settled.size).toBe(0); // never handed back to the broker meanwhile
  expect(await h.counted("nacked")).toBe(2);
  h.finish("e1", "success");
  await until(() => h.broker.channel.settled.get(message.fields.deliveryTag) === "ack", "the ack");
  await h.consumer.stop();
});

test("stopping requeues a message waiting for room, and waits for the ones whose execution runs", async () => {
  const h = harness({ refuseAdmissions: 1_000 });
  h.consumer.start();
  await until(() => h.state() === "consuming", "consuming");
  const waiting = h.broker.channel.deliver(JSON.stringify({ n: 1 }));
  await until(async () => (await h.counted("nacked")) >= 1, "a refused admission");
  await h.consumer.stop();
  expect(h.broker.channel.settled.get(waiting.fields.deliveryTag)).toBe("requeue");
  expect(h.broker.channel.cancelled).toBe(true);

  const running = harness();
  running.consumer.start();
  await until(() => running.state() === "consuming", "consuming");
  const message = running.broker.channel.deliver(JSON.stringify({ n: 2 }));
  await until(() => running.enqueued.length === 1, "enqueued");
  let stopped = false;
  const stopping = running.consumer.stop().then(() => {
    stopped = true;
  });
  await Bun.sleep(10);
  expect(stopped).toBe(false); // its execution still runs: the message is not abandoned
  expect(running.broker.channel.cancelled).toBe(true); // but no more deliveries
  running.finish("e1", "error", "SHUTDOWN"); // ended by the drain, not by the function: requeued
  await stopping;
  expect(running.broker.channel.settled.get(message.fields.deliveryTag)).toBe("requeue");
});

test("a lost connection is reported and reopened with backoff; its in-flight messages are left to the broker's redelivery", async () => {
  const h = harness();
  h.broker.refuse = 2;
  h.consumer.start();
  await until(() => h.state() === "consuming", "consuming after two refused connections");
  expect(h.broker.urls).toHaveLength(3);
  const first = h.broker.channel;
  first.deliver(JSON.stringify({ n: 1 }), "m-1");
  await until(() => h.enqueued.length === 1, "enqueued");
  h.broker.connections[0]?.drop(new Error("Connection closed: 320 (CONNECTION-FORCED) amqp://u:secret@broker"));
  await until(() => h.broker.connections.length === 2 && h.state() === "consuming", "a new connection");
  const lastError = h.activity.get("rabbitmq", "fn", "jobs")?.lastError?.message ?? "";
  expect(lastError).toContain("CONNECTION-FORCED");
  expect(lastError).not.toContain("secret");
  // The broker redelivers the message on the new channel; the same message_id joins the same execution.
  const again = h.broker.channel.deliver(JSON.stringify({ n: 1 }), "m-1");
  await until(() => h.enqueued.length === 2, "enqueued again");
  expect(h.enqueued[1]?.options.idempotencyKey).toBe("rabbitmq:jobs:m-1");
  h.finish("e1", "success");
  h.finish("e2", "success");
  await until(() => h.broker.channel.settled.get(again.fields.deliveryTag) === "ack", "acked on the new channel");
  // The old channel is closed: the first delivery was not settled there (that would throw).
  expect(first.settled.size).toBe(0);
  await h.consumer.stop();
});

test("a missing queue or a consumer cancelled by the broker is retried until the queue is there", async () => {
  const h = harness();
  h.broker.queues.clear();
  h.consumer.start();
  await until(() => h.broker.connections.length >= 2, "retries");
  expect(h.state()).toBe("reconnecting");
  expect(h.activity.get("rabbitmq", "fn", "jobs")?.lastError?.message).toContain("NOT_FOUND");
  expect(h.broker.connections.slice(0, -1).every((c) => c.closed)).toBe(true); // nothing left open
  h.broker.queues.add("jobs");
  await until(() => h.state() === "consuming", "consuming once the queue exists");
  const connections = h.broker.connections.length;
  h.broker.channel.brokerCancel();
  await until(() => h.broker.connections.length === connections + 1 && h.state() === "consuming", "a new consumer");
  expect(h.broker.connections[connections - 1]?.closed).toBe(true);
  await h.consumer.stop();
});

test("stop during the reconnect backoff ends at once and leaves no connection open", async () => {
  const broker = new FakeBroker();
  broker.refuse = 1_000;
  const h = harness();
  const consumer = new RabbitMqConsumer({
    functionName: "fn",
    source,
    url: source.url!,
    limits: { concurrency: 1, queueSize: 1 },
    invoker: { enqueue: async () => ({}) as never },
    waiter: h.waiter,
    metrics: createEventSourceMetrics(new Registry()),
    logger: silentLogger(),
    connect: broker.connect,
    delay: (ms) => ms, // the real 0.5 s … backoff: stop must cut it short
  });
  consumer.start();
  await until(() => broker.urls.length >= 2, "a retry");
  const started = performance.now();
  await consumer.stop();
  expect(performance.now() - started).toBeLessThan(400);
  expect(broker.connections).toHaveLength(0);
});
