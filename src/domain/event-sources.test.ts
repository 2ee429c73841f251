import { expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../../test/support/control-plane";
import { EventSource, redactUrl } from "./event-sources";

const nats = { type: "nats", stream: "ORDERS", subject: "orders.>", durable: "fn" };

test("a NATS source takes a nats:// or tls:// url, or a NANOFAAS_SOURCE_* variable", () => {
  expect(EventSource.safeParse({ ...nats, url: "nats://127.0.0.1:4222" }).success).toBe(true);
  expect(EventSource.safeParse({ ...nats, url: "tls://nats.example:4222" }).success).toBe(true);
  expect(EventSource.safeParse({ ...nats, urlFromEnv: "NANOFAAS_SOURCE_ORDERS" }).success).toBe(true);
  expect(EventSource.safeParse({ ...nats, url: "http://127.0.0.1:4222" }).success).toBe(false);
  expect(EventSource.safeParse({ ...nats, url: "amqp://127.0.0.1" }).success).toBe(false);
  expect(EventSource.safeParse({ ...nats }).success).toBe(false);
  expect(EventSource.safeParse({ ...nats, url: "nats://a:1", urlFromEnv: "NANOFAAS_SOURCE_A" }).success).toBe(false);
  expect(EventSource.safeParse({ ...nats, url: "nats://a:1", stream: "a.b" }).success).toBe(false);
});

test("urlFromEnv may not name any other variable (a DB password must not be sent to a host of the caller's choice)", () => {
  for (const name of ["NANOFAAS_DATABASE_URL", "HOME", "PATH", "nanofaas_source_x", "NANOFAAS_SOURCE_"]) {
    expect(EventSource.safeParse({ ...nats, urlFromEnv: name }).success).toBe(false);
  }
});

test("a RabbitMQ source takes amqp:// or amqps:// only", () => {
  const rabbit = { type: "rabbitmq", queue: "jobs" };
  expect(EventSource.safeParse({ ...rabbit, url: "amqps://u:p@host/vhost", prefetch: 8 }).success).toBe(true);
  expect(EventSource.safeParse({ ...rabbit, url: "nats://host" }).success).toBe(false);
  expect(EventSource.safeParse({ ...rabbit, url: "amqp://host", prefetch: 0 }).success).toBe(false);
  expect(EventSource.safeParse({ ...rabbit, url: "amqp://host", prefetch: 10_001 }).success).toBe(false);
  expect(EventSource.safeParse({ ...rabbit, url: "amqp://host", queue: "" }).success).toBe(false);
  expect(EventSource.safeParse({ ...rabbit, url: "amqp://host", queue: "é".repeat(128) }).success).toBe(false);
  expect(EventSource.safeParse({ ...rabbit, url: "amqp://host", queue: "é".repeat(127) }).success).toBe(true);
  // No host, a port out of range, whitespace: refused (a non-special scheme parses without a host).
  for (const url of ["amqp://", "amqp:///vhost", "amqp://host:99999", "amqp://ho st", "amqps://@/", "http://host"]) {
    expect(EventSource.safeParse({ ...rabbit, url }).success).toBe(false);
  }
  expect(EventSource.safeParse({ ...nats, url: "nats://" }).success).toBe(false);
});

test("redactUrl hides user and password, leaves other URLs alone", () => {
  expect(redactUrl("nats://user:pw@host:4222")).toBe("nats://***:***@host:4222");
  expect(redactUrl("nats://token@host:4222")).toBe("nats://***@host:4222");
  expect(redactUrl("nats://host:4222")).toBe("nats://host:4222");
});

test("registration: a bad source is a 400 naming the field; GET redacts a literal URL's credentials", async () => {
  const cp = testControlPlane();
  const bad = await cp.app.request(
    "/v1/functions",
    jsonRequest("POST", {
      name: "f",
      executionMode: "LOCAL",
      eventSources: [{ ...nats, urlFromEnv: "NANOFAAS_DATABASE_URL" }],
    }),
  );
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain("eventSources");
  const spec = { name: "g", executionMode: "LOCAL", eventSources: [{ ...nats, url: "nats://user:pw@127.0.0.1:1" }] };
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", spec))).status).toBe(201);
  const body = await (await cp.app.request("/v1/functions/g")).json();
  expect(body.eventSources).toEqual([{ ...nats, url: "nats://***:***@127.0.0.1:1" }]);
});
