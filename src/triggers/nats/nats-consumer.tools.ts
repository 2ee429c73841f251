/**
 * The NATS JetStream event source against the real nats-server (tools tier, issue 21): messages
 * become executions of a POOL function; successes are acked, failures after the function's attempts
 * are terminated and in the DLQ, a body that is not JSON is terminated and counted, the consumer
 * survives a broker restart, GET never shows URL credentials, and a deleted function stops consuming.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { connect, type JetStreamManager, type NatsConnection, RetentionPolicy, StorageType } from "nats";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import {
  consumingSpec,
  countedMessages,
  deadLetteredInputs,
  echoFunction,
} from "../../../test/support/event-source-kit";
import { type NatsServer, startNatsServer } from "../../../test/support/nats-server";
import { until } from "../../../test/support/until";
import type { ControlPlane } from "../../control-plane";
import { startEventSources } from "../message-queues/start-event-sources";
import { TerminalWaiter } from "../message-queues/terminal-waiter";
import type { EventSourceConsumers } from "../message-queues/event-source-consumers";

let nats: NatsServer;
let client: NatsConnection;
let jsm: JetStreamManager;
let cp: ControlPlane;
let consumers: EventSourceConsumers;
const fn = echoFunction();
const calls = fn.calls;

beforeAll(async () => {
  nats = await startNatsServer();
  client = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  jsm = await client.jetstreamManager();
  await jsm.streams.add({
    name: "ORDERS",
    subjects: ["orders.>"],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  });
  const waiter = new TerminalWaiter();
  cp = testControlPlane({}, { observer: waiter.observer });
  consumers = startEventSources(cp, waiter, (name) =>
    name === "NANOFAAS_SOURCE_ORDERS" ? `nats://user:secret@127.0.0.1:${nats.port}` : undefined,
  );
});

afterAll(async () => {
  await consumers?.stopAll();
  await client?.close();
  fn.server.stop(true);
  await nats?.close();
});

const publish = async (subject: string, body: string) => {
  await client.jetstream().publish(subject, new TextEncoder().encode(body));
};

function register(name: string, source: Record<string, unknown>) {
  const spec = consumingSpec(name, fn.server, { type: "nats", stream: "ORDERS", ...source });
  return cp.app.request("/v1/functions", jsonRequest("POST", spec));
}

const drained = (durable: string) => async () => {
  const info = await jsm.consumers.info("ORDERS", durable);
  return info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0;
};

const counted = (outcome: string) => countedMessages(cp.metricsRegistry, outcome);

test("successes are acked, failures after the attempts go to the DLQ, non-JSON is terminated; a broker restart is survived", async () => {
  const response = await register("orders", {
    urlFromEnv: "NANOFAAS_SOURCE_ORDERS",
    subject: "orders.created",
    durable: "orders-fn",
  });
  expect(response.status).toBe(201);
  // 60 messages (more than the lane's 20: the consumer pulls as room frees up), every 10th fails.
  for (let i = 0; i < 60; i++) await publish("orders.created", JSON.stringify({ i, fail: i % 10 === 0 }));
  await publish("orders.created", "not json");
  await until(drained("orders-fn"), "the consumer to settle every message", 30_000);
  expect(await counted("acked")).toBe(54);
  expect(await counted("failed")).toBe(6);
  expect(await counted("invalid")).toBe(1);
  await until(async () => (await deadLetteredInputs(cp, "orders")).length === 6, "6 DLQ entries");
  expect(await deadLetteredInputs(cp, "orders")).toEqual([0, 10, 20, 30, 40, 50]);
  const [execution] = (
    (await (await cp.app.request("/v1/executions?function=orders&limit=1")).json()) as { items: unknown[] }
  ).items;
  expect(execution).toMatchObject({ trigger: { type: "nats", id: "ORDERS/orders-fn" } });
  // Each failing message ran the function's 2 attempts once: terminated, not redelivered.
  for (const i of [0, 10, 20, 30, 40, 50]) expect(calls.get(i)).toBe(2);

  // The broker restarts under the running consumer: it reconnects and carries on.
  await nats.restart();
  // The test's own client reconnects too: a publish during its reconnect is retried.
  for (let i = 100; i < 120; i++) {
    await until(() => publish("orders.created", JSON.stringify({ i })).then(() => true), "a publish", 15_000);
  }
  await until(async () => (await counted("acked")) === 74, "the messages published after the restart", {
    timeoutMs: 30_000,
  });
  await until(drained("orders-fn"), "the consumer to settle after the restart", { timeoutMs: 30_000 });
});

test("GET never shows URL credentials; urlFromEnv is shown by name", async () => {
  const registered = await register("orders-literal", {
    url: `nats://user:secret@127.0.0.1:${nats.port}`,
    subject: "orders.literal",
    durable: "orders-literal",
  });
  expect(registered.status).toBe(201);
  const text = await (await cp.app.request("/v1/functions/orders-literal")).text();
  expect(text).not.toContain("secret");
  expect(JSON.parse(text).eventSources[0].url).toBe(`nats://***:***@127.0.0.1:${nats.port}`);
  const listed = await (await cp.app.request("/v1/functions")).text();
  expect(listed).not.toContain("secret");
});

test("a deleted function stops consuming: its messages stay in the stream", async () => {
  expect((await cp.app.request("/v1/functions/orders-literal", { method: "DELETE" })).status).toBe(204);
  await publish("orders.literal", JSON.stringify({ i: 500 }));
  await until(async () => {
    const info = await jsm.consumers.info("ORDERS", "orders-literal");
    return info.num_pending + info.num_ack_pending === 1;
  }, "the message to stay in the stream");
  expect(calls.has(500)).toBe(false);
});
