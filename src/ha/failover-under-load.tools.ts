/**
 * PostgreSQL tier, issue 20's failover test: three control planes on one PostgreSQL behind a
 * loopback round-robin client, a steady mix of sync and async calls, a cron schedule firing every
 * second; SIGKILL the leader, later a follower. Then:
 * - every accepted async execution succeeds (none lost);
 * - sync calls fail only when sent to a killed replica (a connection error), never on a survivor;
 * - a new leader within the lease duration each time;
 * - no cron time fired twice (a singleton's work done once);
 * - the function's concurrency never exceeded: the pod records its peak in flight, counting a
 *   request only until its client goes away (a killed replica's calls end with it).
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

const LEASE_DURATION_MS = 2_000;
const CONCURRENCY = 6;
const json = { "Content-Type": "application/json" };

function startPod() {
  const stats = { inFlight: 0, peak: 0 };
  const pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      // Only "work" counts: the cron function "tick" is sent to /tick.
      if (new URL(request.url).pathname === "/tick") return new Response("{}", { headers: json });
      stats.peak = Math.max(stats.peak, ++stats.inFlight);
      let counted = true;
      const done = () => {
        if (counted) stats.inFlight--;
        counted = false;
      };
      request.signal.addEventListener("abort", done);
      const body = await request.text();
      await Bun.sleep(15);
      done();
      return new Response(body || "{}", { headers: json });
    },
  });
  return { pod, stats };
}

test("SIGKILL the leader, then a follower, under steady sync + async load and a per-second cron", async () => {
  const url = await server().createDatabase("under_load");
  const { pod, stats } = startPod();
  try {
    const env = {
      NANOFAAS_STORE: "postgres",
      NANOFAAS_DATABASE_URL: url,
      NANOFAAS_LEASE_RETRY_PERIOD_MS: "200",
      NANOFAAS_LEASE_RENEW_DEADLINE_MS: "1000",
      NANOFAAS_LEASE_DURATION_MS: String(LEASE_DURATION_MS),
    };
    const all = [await startControlPlane(env), await startControlPlane(env), await startControlPlane(env)];
    replicas.push(...all);
    let alive = [...all];
    const endpointUrl = `http://127.0.0.1:${pod.port}/work`;
    const register = (spec: object) =>
      fetch(`${all[0]!.api}/v1/functions`, { method: "POST", headers: json, body: JSON.stringify(spec) });
    expect(
      (
        await register({
          name: "work",
          executionMode: "POOL",
          endpointUrl,
          concurrency: CONCURRENCY,
          queueSize: 100_000,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await register({
          name: "tick",
          executionMode: "POOL",
          endpointUrl: `http://127.0.0.1:${pod.port}/tick`,
          schedules: [{ id: "s", cron: "* * * * * *" }],
        })
      ).status,
    ).toBe(201);
    const metricOf = async (r: ControlPlaneProcess) =>
      Number(
        /function_effective_concurrency\{function="work"[^}]*\} (\d+)/.exec(
          await (await fetch(`${r.management}/metrics`)).text(),
        )?.[1],
      );
    await until(
      async () => (await Promise.all(all.map(metricOf))).every((n) => n === CONCURRENCY / 3),
      "a 2+2+2 split",
      10_000,
    );

    const health = async (r: ControlPlaneProcess) =>
      (await (await fetch(`${r.management}/actuator/health`)).json()) as { leader: boolean };
    const leader = async () => {
      const states = await Promise.all(alive.map(health));
      const found = alive.filter((_, i) => states[i]!.leader);
      return found.length === 1 ? found[0] : undefined;
    };

    // The load: a round-robin client over all three addresses, as a load balancer that has not
    // noticed a death yet would be; a killed replica answers with a connection error.
    const accepted: string[] = [];
    /** Marked before the signal is sent: from then on a failure to answer is expected. */
    const killed = new Set<ControlPlaneProcess>();
    const unexpected: string[] = [];
    const syncOnSurvivors: number[] = [];
    const syncOnKilled: string[] = [];
    let running = true;
    let turn = 0;
    const client = async () => {
      while (running) {
        const target = all[turn++ % all.length]!;
        const isAsync = turn % 2 === 0;
        try {
          const res = await fetch(`${target.api}/v1/functions/work:${isAsync ? "enqueue" : "invoke"}`, {
            method: "POST",
            headers: json,
            body: JSON.stringify({ input: { turn } }),
          });
          if (isAsync && res.status === 202) accepted.push(((await res.json()) as { executionId: string }).executionId);
          else if (isAsync) unexpected.push(`enqueue answered ${res.status}: ${await res.text()}`);
          else {
            await res.arrayBuffer();
            if (!killed.has(target)) syncOnSurvivors.push(res.status);
          }
        } catch (error) {
          // Only a killed replica may fail to answer (its calls in flight die with it).
          if (!killed.has(target)) unexpected.push(`no answer from a live replica: ${error}`);
          else if (!isAsync) syncOnKilled.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);

    const killLeader = async () => {
      const victim = (await until(leader, "a leader", 5_000))!;
      killed.add(victim);
      victim.child.kill("SIGKILL");
      await victim.child.exited;
      alive = alive.filter((r) => r !== victim);
      const since = performance.now();
      const next = await until(leader, "a new leader", LEASE_DURATION_MS * 2);
      expect(performance.now() - since).toBeLessThan(LEASE_DURATION_MS);
      return next!;
    };
    await Bun.sleep(1_500);
    const second = await killLeader();
    await Bun.sleep(1_500);
    const follower = alive.find((r) => r !== second)!;
    killed.add(follower);
    follower.child.kill("SIGKILL");
    await follower.child.exited;
    alive = alive.filter((r) => r !== follower);
    await Bun.sleep(1_500);
    running = false;
    await Promise.all(clients);

    expect(unexpected).toEqual([]);
    const survivor = alive[0]!;
    expect(accepted.length).toBeGreaterThan(50);
    const statusOf = async (id: string) =>
      ((await (await fetch(`${survivor.api}/v1/executions/${id}`)).json()) as { status: string }).status;
    await until(
      async () => (await Promise.all(accepted.map(statusOf))).every((s) => s === "success"),
      "every accepted async execution succeeded",
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(syncOnSurvivors.length).toBeGreaterThan(50);
    expect(syncOnSurvivors.every((s) => s === 200)).toBe(true);
    expect(stats.peak).toBeLessThanOrEqual(CONCURRENCY);

    // Every fire of the schedule, all pages.
    const times: (string | undefined)[] = [];
    for (let cursor: string | null = null; ; ) {
      const page = (await (
        await fetch(`${survivor.api}/v1/executions?function=tick&limit=100${cursor ? `&cursor=${cursor}` : ""}`)
      ).json()) as { items: { trigger?: { scheduledAt?: string } }[]; nextCursor: string | null };
      times.push(...page.items.map((e) => e.trigger?.scheduledAt));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(times.length).toBeGreaterThan(3);
    expect(new Set(times).size).toBe(times.length);
    console.log(
      `accepted async ${accepted.length}, sync on survivors ${syncOnSurvivors.length}, sync lost with killed replicas ${syncOnKilled.length}, cron fires ${times.length}, pod peak ${stats.peak}`,
    );
  } finally {
    pod.stop(true);
  }
});
