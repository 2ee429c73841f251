/**
 * Issue 21, Done when (NATS): 10 000 messages through a function that fails 10 % of its attempts at
 * random, the real control plane (SQLite store) SIGKILLed and restarted once in the middle. Every
 * execution ends terminal, the stream's consumer ends with nothing pending or unacked, and every
 * message either succeeded or is in the DLQ: nothing is lost.
 */
import { afterAll, expect, test } from "bun:test";
import { connect, StorageType } from "nats";
import { type ControlPlaneProcess, startControlPlane } from "../../../test/support/control-plane-process";
import { startNatsServer } from "../../../test/support/nats-server";
import { allPages, consumingSpec, crashRun, deadLetteredSet } from "../../../test/support/event-source-kit";
import { until } from "../../../test/support/until";

const MESSAGES = 10_000;
const nats = await startNatsServer();
const run = crashRun(nats.url);
const { fn, env } = run;
const { succeeded } = fn;
let cp: ControlPlaneProcess | undefined;

afterAll(async () => {
  await cp?.stop();
  run.cleanup();
  await nats.close();
});

test("10 000 messages, 10 % failing attempts, a SIGKILL in the middle: every message succeeded or is in the DLQ", async () => {
  const started = performance.now();
  const client = await connect({ servers: nats.url });
  const jsm = await client.jetstreamManager();
  await jsm.streams.add({ name: "CRASH", subjects: ["crash.>"], storage: StorageType.File });
  cp = await startControlPlane(env);
  const spec = consumingSpec(
    "crash",
    fn.server,
    { type: "nats", urlFromEnv: "NANOFAAS_SOURCE_CRASH", stream: "CRASH", subject: "crash.in", durable: "crash" },
    { concurrency: 32, queueSize: 1000 },
  );
  const registered = await fetch(`${cp.api}/v1/functions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(spec),
  });
  expect(registered.status).toBe(201);
  const js = client.jetstream();
  for (let from = 0; from < MESSAGES; from += 500) {
    const batch = Array.from({ length: 500 }, (_, k) => js.publish("crash.in", JSON.stringify({ i: from + k })));
    await Promise.all(batch);
  }

  await until(() => succeeded.size >= MESSAGES * 0.3, "30 % of the messages to succeed", 120_000);
  cp.child.kill("SIGKILL");
  await cp.exited();
  const atKill = succeeded.size;
  cp = await startControlPlane(env);

  const settled = async () => {
    const info = await jsm.consumers.info("CRASH", "crash");
    return info.delivered.stream_seq >= MESSAGES && info.num_pending === 0 && info.num_ack_pending === 0;
  };
  await until(settled, "the consumer to settle all 10 000 messages", { timeoutMs: 240_000, intervalMs: 500 });

  const deadInputs = await deadLetteredSet(cp.api, "crash");
  const lost = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => !succeeded.has(i) && !deadInputs.has(i));
  expect(lost).toEqual([]);
  const executions = await allPages<{ status: string }>(cp.api, "/v1/executions?function=crash");
  expect(executions.filter((e) => !["success", "error", "timeout"].includes(e.status))).toEqual([]);
  // With 2 attempts at 10 % each, about 1 % of the messages end in the DLQ.
  expect(deadInputs.size).toBeGreaterThan(0);
  expect(deadInputs.size).toBeLessThan(MESSAGES * 0.05);
  console.log(
    `nats crash test: ${MESSAGES} messages, ${fn.attempts()} attempts, ${succeeded.size} succeeded, ${deadInputs.size} in the DLQ, ${executions.length} executions, killed at ${atKill} successes, ${Math.round(performance.now() - started)} ms`,
  );
  await client.close();
});
