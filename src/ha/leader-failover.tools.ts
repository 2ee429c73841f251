/**
 * PostgreSQL tier: real control-plane processes (`bun src/main.ts`) on one PostgreSQL store.
 * Exactly one says `leader: true` in /actuator/health; SIGKILL it and another takes over within the
 * retry period (the database drops a dead session's lock at once); a SIGTERM hands over too. Every
 * replica serves the API whichever leads, and a SIGKILLed replica's accepted async work is taken
 * over by the leader and finishes.
 */
import { afterAll, expect, test } from "bun:test";
import { type ControlPlaneProcess, startControlPlane } from "../../test/support/control-plane-process";
import { usePostgresServer } from "../../test/support/postgres-server";
import { until } from "../../test/support/until";

const server = usePostgresServer();
const replicas: ControlPlaneProcess[] = [];
afterAll(async () => {
  for (const r of replicas) r.child.kill("SIGKILL");
  await Promise.all(replicas.map((r) => r.child.exited));
});

/** One PostgreSQL store, short lease timings: a dead leader is replaced within a few hundred ms. */
const replicaEnv = (url: string) => ({
  NANOFAAS_STORE: "postgres",
  NANOFAAS_DATABASE_URL: url,
  NANOFAAS_LEASE_RETRY_PERIOD_MS: "200",
  NANOFAAS_LEASE_RENEW_DEADLINE_MS: "1000",
  NANOFAAS_LEASE_DURATION_MS: "2000",
});

const health = async (r: ControlPlaneProcess) =>
  (await (await fetch(`${r.management}/actuator/health`)).json()) as { leader: boolean; replicaId: string };

async function leaders(alive: ControlPlaneProcess[]): Promise<ControlPlaneProcess[]> {
  const states = await Promise.all(alive.map(health));
  return alive.filter((_, i) => states[i]!.leader);
}

test("three control planes: one leader; SIGKILL it, then SIGTERM the next, and leadership moves each time", async () => {
  const url = await server().createDatabase("failover");
  const env = replicaEnv(url);
  for (let i = 0; i < 3; i++) replicas.push(await startControlPlane(env));
  let alive = [...replicas];
  const one = async () => {
    const found = await until(
      async () => {
        const l = await leaders(alive);
        return l.length === 1 && l;
      },
      "exactly one leader",
      10_000,
    );
    // And it stays exactly one a little later (nobody else grabbed the lock meanwhile).
    await Bun.sleep(500);
    expect(await leaders(alive)).toEqual(found);
    return found[0]!;
  };

  const first = await one();
  const ids = new Set((await Promise.all(alive.map(health))).map((h) => h.replicaId));
  expect(ids.size).toBe(3);

  first.child.kill("SIGKILL");
  await first.child.exited;
  alive = alive.filter((r) => r !== first);
  const killedAt = performance.now();
  const second = await one();
  expect(performance.now() - killedAt).toBeLessThan(5_000);
  expect(second).not.toBe(first);

  // Followers serve the API as well as the leader does.
  for (const r of alive) expect((await fetch(`${r.api}/v1/functions`)).status).toBe(200);

  second.child.kill("SIGTERM");
  expect(await second.exited()).toBe(0);
  alive = alive.filter((r) => r !== second);
  const third = await one();
  expect(third).toBe(alive[0]!);
  expect(second.lines.some((l) => l.msg === "leading")).toBe(true);
});

test("a replica SIGKILLed with accepted async work: another one takes it over and every execution succeeds", async () => {
  const url = await server().createDatabase("takeover");
  const pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      await Bun.sleep(50);
      return new Response(await request.text(), { headers: { "Content-Type": "application/json" } });
    },
  });
  try {
    const env = replicaEnv(url);
    const a = await startControlPlane(env);
    const b = await startControlPlane(env);
    replicas.push(a, b);
    const spec = { name: "slow", executionMode: "POOL", endpointUrl: `http://127.0.0.1:${pod.port}/`, concurrency: 1 };
    const created = await fetch(`${a.api}/v1/functions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(spec),
    });
    expect(created.status).toBe(201);
    // b learns of the function from the store within a retry period, and can invoke it.
    await until(async () => (await fetch(`${b.api}/v1/functions/slow`)).status === 200, "b knows slow", 5_000);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const accepted = await fetch(`${a.api}/v1/functions/slow:enqueue`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ input: { i } }),
      });
      expect(accepted.status).toBe(202);
      ids.push(((await accepted.json()) as { executionId: string }).executionId);
    }
    a.child.kill("SIGKILL"); // with most of the 40 still queued on a (concurrency 1, 50 ms each)
    await a.child.exited;
    const status = async (id: string) =>
      ((await (await fetch(`${b.api}/v1/executions/${id}`)).json()) as { status: string }).status;
    await until(
      async () => (await Promise.all(ids.map(status))).every((s) => s === "success"),
      "every accepted execution succeeds on the surviving replica",
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(b.lines.some((l) => l.msg === "took over the unfinished executions of a control plane that is gone")).toBe(
      true,
    );
  } finally {
    pod.stop(true);
  }
});

test("two replicas never run more of a function at once than its concurrency; alone, one uses all of it", async () => {
  const url = await server().createDatabase("share");
  let inFlight = 0;
  let peak = 0;
  const pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      peak = Math.max(peak, ++inFlight);
      await Bun.sleep(30);
      inFlight--;
      return new Response(await request.text(), { headers: { "Content-Type": "application/json" } });
    },
  });
  try {
    const a = await startControlPlane(replicaEnv(url));
    const b = await startControlPlane(replicaEnv(url));
    replicas.push(a, b);
    const spec = {
      name: "capped",
      executionMode: "POOL",
      endpointUrl: `http://127.0.0.1:${pod.port}/`,
      concurrency: 4,
      queueSize: 1000,
    };
    await fetch(`${a.api}/v1/functions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(spec),
    });
    const limitOn = async (r: ControlPlaneProcess) => {
      const text = await (await fetch(`${r.management}/metrics`)).text();
      return Number(/function_effective_concurrency\{function="capped"[^}]*\} (\d+)/.exec(text)?.[1]);
    };
    // Each replica takes 2 of the 4 once both have counted each other.
    await until(async () => (await limitOn(a)) === 2 && (await limitOn(b)) === 2, "a 2 + 2 split", 10_000);
    const invoke = (r: ControlPlaneProcess, i: number) =>
      fetch(`${r.api}/v1/functions/capped:invoke`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ input: { i } }),
      }).then((res) => res.status);
    const statuses = await Promise.all(Array.from({ length: 80 }, (_, i) => invoke(i % 2 ? a : b, i)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(peak).toBe(4);
    b.child.kill("SIGTERM");
    await b.exited();
    await until(async () => (await limitOn(a)) === 4, "the survivor takes the whole concurrency", 10_000);
  } finally {
    pod.stop(true);
  }
});
