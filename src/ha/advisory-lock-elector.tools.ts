/**
 * PostgreSQL tier: advisory-lock leader election against a real server — one leader at a time, a
 * clean hand-over on stop, a SIGKILLed leader replaced at the next try, a terminated session and a
 * database outage both make the leader step down.
 */
import { afterEach, expect, test } from "bun:test";
import { SQL } from "bun";
import { usePostgresServer } from "../../test/support/postgres-server";
import { until } from "../../test/support/until";
import { AdvisoryLockElector } from "./advisory-lock-elector";
import { Leadership } from "./leadership";

const server = usePostgresServer();
const running: AdvisoryLockElector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

function replica(url: string, id: string, renewDeadlineMs = 10_000) {
  const leadership = new Leadership("advisory-lock", id);
  const changes: string[] = [];
  leadership.onChange((c) => changes.push(`${c.leader ? "lead" : "follow"}: ${c.reason}`));
  const elector = new AdvisoryLockElector({
    databaseUrl: url,
    name: "nanofaas-leader",
    leadership,
    renewDeadlineMs,
    retryPeriodMs: 500,
  });
  running.push(elector);
  return { leadership, elector, changes };
}

test("one leader among three; stop() hands the lock to the next at its next try", async () => {
  const url = await server().createDatabase("election");
  const replicas = ["a", "b", "c"].map((id) => replica(url, id));
  for (const r of replicas) await r.elector.tick();
  expect(replicas.map((r) => r.leadership.isLeader())).toEqual([true, false, false]);
  for (const r of replicas) await r.elector.tick(); // the leader confirms, the others keep trying
  expect(replicas.map((r) => r.leadership.isLeader())).toEqual([true, false, false]);
  await replicas[0]!.elector.stop();
  await replicas[1]!.elector.tick();
  await replicas[2]!.elector.tick();
  expect(replicas.map((r) => r.leadership.isLeader())).toEqual([false, true, false]);
});

test("different lease names are different elections", async () => {
  const url = await server().createDatabase("names");
  const a = replica(url, "a");
  const leadership = new Leadership("advisory-lock", "b");
  const b = new AdvisoryLockElector({
    databaseUrl: url,
    name: "other",
    leadership,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 500,
  });
  running.push(b);
  await a.elector.tick();
  await b.tick();
  expect([a.leadership.isLeader(), leadership.isLeader()]).toEqual([true, true]);
});

test("a SIGKILLed leader process: PostgreSQL drops its session and a follower leads at its next try", async () => {
  const url = await server().createDatabase("killed");
  const script = `
    const { AdvisoryLockElector } = await import(${JSON.stringify(`${import.meta.dir}/advisory-lock-elector.ts`)});
    const { Leadership } = await import(${JSON.stringify(`${import.meta.dir}/leadership.ts`)});
    const leadership = new Leadership("advisory-lock", "doomed");
    const elector = new AdvisoryLockElector({ databaseUrl: ${JSON.stringify(url)}, name: "nanofaas-leader", leadership, renewDeadlineMs: 10000, retryPeriodMs: 500 });
    await elector.tick();
    console.log(leadership.isLeader() ? "leading" : "following");
    setInterval(() => {}, 1000);
  `;
  const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  expect(new TextDecoder().decode((await reader.read()).value)).toBe("leading\n");
  const b = replica(url, "b");
  await b.elector.tick();
  expect(b.leadership.isLeader()).toBe(false);
  child.kill("SIGKILL");
  await child.exited;
  await until(
    async () => {
      await b.elector.tick();
      return b.leadership.isLeader();
    },
    "the follower leads after the leader's SIGKILL",
    5_000,
  );
});

test("a leader whose session is terminated steps down at its next check; another replica takes over", async () => {
  const url = await server().createDatabase("terminated");
  const a = replica(url, "a");
  const b = replica(url, "b");
  await a.elector.tick();
  await b.elector.tick();
  const admin = new SQL(url, { max: 1 });
  await admin`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`;
  await admin.close();
  await until(
    async () => {
      await a.elector.tick();
      return !a.leadership.isLeader();
    },
    "the leader notices its session is gone",
    12_000,
  );
  await b.elector.tick();
  expect(b.leadership.isLeader()).toBe(true);
  // a tries again as a follower: the lock is b's now.
  await a.elector.tick();
  expect(a.leadership.isLeader()).toBe(false);
});

test("the database goes away: the leader steps down at the renew deadline, and leads again when it is back", async () => {
  const pg = server();
  const url = await pg.createDatabase("outage");
  const a = replica(url, "a", 1_500);
  await a.elector.tick();
  expect(a.leadership.isLeader()).toBe(true);
  const lastRenewal = performance.now(); // the renew deadline counts from here
  await pg.stop();
  try {
    await until(
      async () => {
        await a.elector.tick();
        return !a.leadership.isLeader();
      },
      "the leader steps down during the outage",
      10_000,
    );
    expect(performance.now() - lastRenewal).toBeGreaterThanOrEqual(1_500);
    expect(a.changes.at(-1)).toBe("follow: renew deadline passed");
  } finally {
    await pg.start();
  }
  await until(
    async () => {
      await a.elector.tick();
      return a.leadership.isLeader();
    },
    "the leader leads again after the outage",
    { timeoutMs: 10_000, intervalMs: 200 },
  );
});
