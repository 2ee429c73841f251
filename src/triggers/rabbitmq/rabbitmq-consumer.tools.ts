/**
 * The RabbitMQ event source against the real rabbitmq-server (tools tier, issue 21): messages become
 * executions of a POOL function; successes are acked, failures after the function's attempts are
 * rejected (into the nanofaas DLQ, and the queue's own dead-letter exchange), a body that is not JSON
 * is rejected and counted; a broker restart while executions run is survived, their messages are
 * redelivered and join the same executions (message_id); a bad URL is a 400 at registration; GET
 * never shows URL credentials; a deleted function stops consuming.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Channel, type ChannelModel, connect } from "amqplib";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import {
  consumingSpec,
  countedMessages,
  deadLetteredInputs,
  echoFunction,
} from "../../../test/support/event-source-kit";
import { type RabbitMqServer, startRabbitMqServer } from "../../../test/support/rabbitmq-server";
import { until } from "../../../test/support/until";
import type { ControlPlane } from "../../control-plane";
import type { EventSourceConsumers } from "../message-queues/event-source-consumers";
import { startEventSources } from "../message-queues/start-event-sources";
import { TerminalWaiter } from "../message-queues/terminal-waiter";

let rabbit: RabbitMqServer;
let client: ChannelModel | undefined;
let channel: Channel | undefined;
let cp: ControlPlane;
let consumers: EventSourceConsumers;
const fn = echoFunction();
const calls = fn.calls;

beforeAll(async () => {
  rabbit = await startRabbitMqServer();
  const waiter = new TerminalWaiter();
  cp = testControlPlane({}, { observer: waiter.observer });
  consumers = startEventSources(cp, waiter, (name) => (name === "NANOFAAS_SOURCE_ORDERS" ? rabbit.url : undefined));
}, 90_000);

afterAll(async () => {
  await consumers?.stopAll();
  await client?.close().catch(() => undefined);
  fn.server.stop(true);
  await rabbit?.close();
}, 60_000);

/** The test's own connection (opened again after a broker restart). */
async function ch(): Promise<Channel> {
  if (channel) return channel;
  client = await connect(rabbit.url);
  client.on("error", () => {});
  client.on("close", () => {
    channel = undefined;
  });
  channel = await client.createChannel();
  channel.on("error", () => {});
  return channel;
}

/** A durable queue whose rejected messages the broker dead-letters to `<name>.dead`. */
async function declare(name: string): Promise<void> {
  const c = await ch();
  await c.assertQueue(`${name}.dead`, { durable: true });
  await c.assertQueue(name, { durable: true, deadLetterExchange: "", deadLetterRoutingKey: `${name}.dead` });
}

async function publish(queue: string, body: string, messageId?: string): Promise<void> {
  (await ch()).sendToQueue(queue, Buffer.from(body), { persistent: true, ...(messageId ? { messageId } : {}) });
}

const ready = async (queue: string) => (await (await ch()).checkQueue(queue)).messageCount;

function register(name: string, source: Record<string, unknown>) {
  const spec = consumingSpec(name, fn.server, { type: "rabbitmq", ...source });
  return cp.app.request("/v1/functions", jsonRequest("POST", spec));
}

const counted = (outcome: string, name = "orders") => countedMessages(cp.metricsRegistry, outcome, name);

const state = async (fn: string) => {
  const body = (await (await cp.app.request(`/v1/triggers?function=${fn}`)).json()) as {
    items: { type: string; state: string; lastError: { message: string } | null }[];
  };
  return body.items.find((t) => t.type === "rabbitmq");
};

test("a bad URL is a 400 at registration naming the field, and nothing is registered", async () => {
  for (const url of ["http://127.0.0.1:5672", "amqp://", "amqp://127.0.0.1:99999", "nats://127.0.0.1"]) {
    const response = await register("bad-url", { url, queue: "orders" });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("eventSources");
  }
  const unsafe = await register("bad-url", { urlFromEnv: "NANOFAAS_DATABASE_URL", queue: "orders" });
  expect(unsafe.status).toBe(400);
  expect((await cp.app.request("/v1/functions/bad-url")).status).toBe(404);
});

test("successes are acked, failures after the attempts are rejected into the DLQs, non-JSON is rejected", async () => {
  await declare("orders");
  expect((await register("orders", { urlFromEnv: "NANOFAAS_SOURCE_ORDERS", queue: "orders" })).status).toBe(201);
  await until(async () => (await state("orders"))?.state === "consuming", "the source to consume", 15_000);
  // 60 messages (more than the prefetch of 4 and the lane's 20), every 10th fails.
  for (let i = 0; i < 60; i++) await publish("orders", JSON.stringify({ i, fail: i % 10 === 0 }), `m-${i}`);
  await publish("orders", "not json");
  await until(
    async () => (await counted("acked")) + (await counted("failed")) + (await counted("invalid")) === 61,
    "every message to be settled",
    30_000,
  );
  expect(await counted("acked")).toBe(54);
  expect(await counted("failed")).toBe(6);
  expect(await counted("invalid")).toBe(1);
  expect(await ready("orders")).toBe(0);
  await until(async () => (await deadLetteredInputs(cp, "orders")).length === 6, "6 DLQ entries");
  expect(await deadLetteredInputs(cp, "orders")).toEqual([0, 10, 20, 30, 40, 50]);
  const [execution] = (
    (await (await cp.app.request("/v1/executions?function=orders&limit=1")).json()) as { items: unknown[] }
  ).items;
  expect(execution).toMatchObject({ trigger: { type: "rabbitmq", id: "orders" } });
  // Each failing message ran the function's 2 attempts once: rejected, not requeued.
  for (const i of [0, 10, 20, 30, 40, 50]) expect(calls.get(i)).toBe(2);
  // The queue's own dead-letter policy applies to what was rejected: the 6 failures and the non-JSON body.
  await until(async () => (await ready("orders.dead")) === 7, "7 messages in orders.dead");
});

test("a broker restart while executions run: reconnects, the redelivered messages join their executions", async () => {
  const acked = await counted("acked");
  // Slow executions, published with a message_id: still running when the broker goes away.
  for (let i = 200; i < 204; i++) await publish("orders", JSON.stringify({ i, slowMs: 2_000 }), `m-${i}`);
  await until(() => [200, 201, 202, 203].every((i) => calls.get(i) === 1), "the four slow executions to start");
  await rabbit.restart();
  await until(async () => (await state("orders"))?.state === "consuming", "the consumer to reconnect", 30_000);
  expect((await state("orders"))?.lastError?.message).toBeTruthy();
  // Published after the restart (the queue and its persistent messages survived it).
  for (let i = 100; i < 120; i++) {
    await until(() => publish("orders", JSON.stringify({ i }), `m-${i}`).then(() => true), "a publish", 15_000);
  }
  await until(async () => (await counted("acked")) === acked + 24, "the 24 messages to be acked", 30_000);
  expect(await ready("orders")).toBe(0);
  // Redelivered after the restart, they joined the execution that was still running: one run each.
  for (const i of [200, 201, 202, 203]) expect(calls.get(i)).toBe(1);
});

test("GET never shows URL credentials; urlFromEnv is shown by name", async () => {
  await declare("literal");
  const url = rabbit.url;
  expect((await register("orders-literal", { url, queue: "literal" })).status).toBe(201);
  const text = await (await cp.app.request("/v1/functions/orders-literal")).text();
  expect(text).not.toContain("guest:guest");
  expect(JSON.parse(text).eventSources[0].url).toBe(url.replace("guest:guest@", "***:***@"));
  const listed = await (await cp.app.request("/v1/functions")).text();
  expect(listed).not.toContain("guest:guest");
  expect(listed).toContain('"urlFromEnv":"NANOFAAS_SOURCE_ORDERS"');
  const triggers = await (await cp.app.request("/v1/triggers")).text();
  expect(triggers).not.toContain("guest:guest");
});

test("a missing queue is reported and retried; a deleted function stops consuming (its messages stay)", async () => {
  expect((await register("late-queue", { urlFromEnv: "NANOFAAS_SOURCE_ORDERS", queue: "late" })).status).toBe(201);
  await until(async () => (await state("late-queue"))?.lastError?.message.includes("NOT_FOUND"), "NOT_FOUND", 15_000);
  expect((await state("late-queue"))?.state).toBe("reconnecting");
  await declare("late");
  await until(async () => (await state("late-queue"))?.state === "consuming", "consuming once declared", 15_000);

  await until(async () => (await state("orders-literal"))?.state === "consuming", "orders-literal consuming", 15_000);
  expect((await cp.app.request("/v1/functions/orders-literal", { method: "DELETE" })).status).toBe(204);
  await until(async () => (await (await ch()).checkQueue("literal")).consumerCount === 0, "no consumer left");
  await publish("literal", JSON.stringify({ i: 500 }));
  await Bun.sleep(200);
  expect(await ready("literal")).toBe(1);
  expect(calls.has(500)).toBe(false);
});
