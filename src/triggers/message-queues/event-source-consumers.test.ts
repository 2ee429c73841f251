import { expect, test } from "bun:test";
import { Registry } from "prom-client";
import { FakeBroker } from "../../../test/fakes/fake-amqp";
import { until } from "../../../test/support/until";
import type { ResolvedFunction } from "../../domain/resolved-function";
import { silentLogger } from "../../observability/logger";
import { TriggerActivity } from "../trigger-activity";
import { createEventSourceMetrics } from "./event-source-metrics";
import { EventSourceConsumers } from "./event-source-consumers";
import { TerminalWaiter } from "./terminal-waiter";

test("a source that cannot start is reported not-started with the reason (GET /v1/triggers shows it)", () => {
  const activity = new TriggerActivity();
  const consumers = new EventSourceConsumers({
    invoker: { enqueue: async () => ({}) as never },
    waiter: new TerminalWaiter(),
    queues: () => new Map(),
    metrics: createEventSourceMetrics(new Registry()),
    activity,
    logger: silentLogger(),
    env: () => undefined,
  });
  const fn = {
    name: "orders",
    eventSources: [{ type: "nats", urlFromEnv: "NANOFAAS_SOURCE_UNSET", stream: "S", subject: "s", durable: "d" }],
  } as unknown as ResolvedFunction;
  consumers.onRegistered(fn);
  const record = activity.get("nats", "orders", "S/d");
  expect(record?.state).toBe("not-started");
  expect(record?.lastError?.message).toContain("urlFromEnv variable is not set");
});

test("a RabbitMQ source is consumed; one whose variable holds no amqp:// URL with a host is not started", async () => {
  const activity = new TriggerActivity();
  const broker = new FakeBroker();
  const env: Record<string, string> = {
    NANOFAAS_SOURCE_GOOD: "amqp://u:p@rabbit:5672/vh",
    NANOFAAS_SOURCE_HTTP: "http://rabbit:5672",
    NANOFAAS_SOURCE_NOHOST: "amqp:///vh",
  };
  const consumers = new EventSourceConsumers({
    invoker: { enqueue: async () => ({}) as never },
    waiter: new TerminalWaiter(),
    queues: () => new Map(),
    metrics: createEventSourceMetrics(new Registry()),
    activity,
    logger: silentLogger(),
    env: (name) => env[name],
    amqpConnect: broker.connect,
  });
  const fn = {
    name: "jobs-fn",
    concurrency: 3,
    queueSize: 50,
    eventSources: [
      { type: "rabbitmq", urlFromEnv: "NANOFAAS_SOURCE_GOOD", queue: "jobs" },
      { type: "rabbitmq", urlFromEnv: "NANOFAAS_SOURCE_HTTP", queue: "http" },
      { type: "rabbitmq", urlFromEnv: "NANOFAAS_SOURCE_NOHOST", queue: "nohost" },
    ],
  } as unknown as ResolvedFunction;
  consumers.onRegistered(fn);
  expect(activity.get("rabbitmq", "jobs-fn", "http")?.lastError?.message).toContain("not an amqp:// or amqps:// URL");
  expect(activity.get("rabbitmq", "jobs-fn", "nohost")?.lastError?.message).toContain("not a URL with a host");
  await until(() => activity.get("rabbitmq", "jobs-fn", "jobs")?.state === "consuming", "the good source consuming");
  expect(broker.urls).toEqual(["amqp://u:p@rabbit:5672/vh"]);
  expect(broker.channel.prefetchCount).toBe(3); // the function's concurrency
  await consumers.stopAll();
  expect(broker.connections[0]?.closed).toBe(true);
});
