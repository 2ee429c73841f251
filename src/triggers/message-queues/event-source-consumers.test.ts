import { expect, test } from "bun:test";
import { Registry } from "prom-client";
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
