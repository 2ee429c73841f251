/**
 * Issue 21, Done when (RabbitMQ): 10 000 messages through a function that fails 10 % of its attempts
 * at random, the real control plane (SQLite store) SIGKILLed and restarted once in the middle. Every
 * execution ends terminal, every message either succeeded or is in the DLQ (nothing is lost), and
 * once the control plane stops nothing comes back to the queue: every message was settled.
 */
import { afterAll, expect, test } from "bun:test";
import { connect } from "amqplib";
import { type ControlPlaneProcess, startControlPlane } from "../../../test/support/control-plane-process";
import { startRabbitMqServer } from "../../../test/support/rabbitmq-server";
import { allPages, consumingSpec, crashRun, deadLetteredSet } from "../../../test/support/event-source-kit";
import { until } from "../../../test/support/until";

const MESSAGES = 10_000;
const rabbit = await startRabbitMqServer();
const run = crashRun(rabbit.url);
const { fn, env } = run;
const { succeeded } = fn;
let cp: ControlPlaneProcess | undefined;

afterAll(async () => {
  await cp?.stop();
  run.cleanup();
  await rabbit.close();
});

test("10 000 messages, 10 % failing attempts, a SIGKILL in the middle: every message succeeded or is in the DLQ", async () => {
  const started = performance.now();
  const client = await connect(rabbit.url);
  const channel = await client.createConfirmChannel();
  await channel.assertQueue("crash", { durable: true });
  cp = await startControlPlane(env);
  // prefetch: the default, the function's concurrency (32)
  const spec = consumingSpec(
    "crash",
    fn.server,
    { type: "rabbitmq", urlFromEnv: "NANOFAAS_SOURCE_CRASH", queue: "crash" },
    { concurrency: 32, queueSize: 1000 },
  );
  const registered = await fetch(`${cp.api}/v1/functions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  expect(registered.status).toBe(201);
  for (let i = 0; i < MESSAGES; i++) {
    const body = Buffer.from(JSON.stringify({ i }));
    channel.sendToQueue("crash", body, { persistent: true, messageId: `crash-${i}` });
  }
  await channel.waitForConfirms();

  await until(() => succeeded.size >= MESSAGES * 0.3, "30 % of the messages to succeed", 120_000);
  cp.child.kill("SIGKILL");
  await cp.exited();
  const atKill = succeeded.size;
  cp = await startControlPlane(env);
  const { api } = cp;

  const dlqInputs = () => deadLetteredSet(api, "crash");
  const missing = async () => {
    const dead = await dlqInputs();
    return Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => !succeeded.has(i) && !dead.has(i));
  };
  await until(async () => (await missing()).length === 0, "every message to succeed or be in the DLQ", {
    timeoutMs: 240_000,
    intervalMs: 1_000,
  });
  await until(async () => (await channel.checkQueue("crash")).messageCount === 0, "the queue to be empty", 60_000);
  const executions = await allPages<{ status: string }>(api, "/v1/executions?function=crash");
  await until(
    async () =>
      (await allPages<{ status: string }>(api, "/v1/executions?function=crash")).every((e) =>
        ["success", "error", "timeout"].includes(e.status),
      ),
    "every execution to be terminal",
    60_000,
  );
  const deadInputs = await dlqInputs();
  // With 2 attempts at 10 % each, about 1 % of the messages end in the DLQ.
  expect(deadInputs.size).toBeGreaterThan(0);
  expect(deadInputs.size).toBeLessThan(MESSAGES * 0.05);

  // A graceful stop settles what it holds; an unsettled message would be requeued by the broker.
  await cp.stop();
  cp = undefined;
  const left = await channel.checkQueue("crash");
  expect(left).toMatchObject({ messageCount: 0, consumerCount: 0 });
  console.log(
    `rabbitmq crash test: ${MESSAGES} messages, ${fn.attempts()} attempts, ${succeeded.size} succeeded, ${deadInputs.size} in the DLQ, ${executions.length} executions, killed at ${atKill} successes, ${Math.round(performance.now() - started)} ms`,
  );
  await client.close();
});
