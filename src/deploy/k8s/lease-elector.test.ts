import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { FakeKubeApiServer } from "../../../test/fakes/k8s-api-server";
import { until } from "../../../test/support/until";
import { Leadership } from "../../ha/leadership";
import { LeaseElector, microTime } from "./lease-elector";
import { REQUIRED_RBAC } from "./rbac";
import { KubeTransport } from "./transport";

const NS = "nanofaas";
const LEASE = "nanofaas-leader";
let fake: FakeKubeApiServer;
let clock = 0;

beforeEach(async () => {
  // The control plane's RBAC is enforced: an API call without a rule in rbac.ts fails here.
  fake = await FakeKubeApiServer.start({ rbac: REQUIRED_RBAC });
  clock = 0;
});
afterEach(() => fake.close());

type Timings = Partial<{ durationMs: number; renewDeadlineMs: number; retryPeriodMs: number }>;

/** A replica on the manual clock, or on the real one with `realClock` (for start()'s own timer). */
function replica(id: string, timings: Timings = {}, extra: { log?: (event: string) => void; realClock?: true } = {}) {
  const leadership = new Leadership("lease", id);
  const changes: string[] = [];
  leadership.onChange((c) => changes.push(`${c.leader ? "lead" : "follow"}: ${c.reason}`));
  const elector = new LeaseElector({
    api: new KubeTransport(fake.kubeConfig(NS)).api(CoordinationV1Api),
    namespace: NS,
    name: LEASE,
    leadership,
    durationMs: timings.durationMs ?? 15_000,
    renewDeadlineMs: timings.renewDeadlineMs ?? 10_000,
    retryPeriodMs: timings.retryPeriodMs ?? 2_000,
    log: extra.log,
    now: extra.realClock ? undefined : () => clock,
  });
  return { leadership, elector, changes };
}

const lease = () => fake.get("leases", NS, LEASE);

describe("Lease leader election", () => {
  test("the first replica creates the Lease and leads; the next one follows", async () => {
    const a = replica("a");
    const b = replica("b");
    await a.elector.tick();
    await b.elector.tick();
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
    const spec = lease().spec;
    expect(spec.holderIdentity).toBe("a");
    expect(spec.leaseDurationSeconds).toBe(15);
    expect(spec.leaseTransitions).toBe(0);
    expect(spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test("while the leader renews, a follower never takes over, however long it waits", async () => {
    const a = replica("a");
    const b = replica("b");
    await a.elector.tick();
    for (let round = 0; round < 20; round++) {
      clock += 2_000;
      await a.elector.tick();
      await b.elector.tick();
    }
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
    expect(lease().spec.holderIdentity).toBe("a");
  });

  test("when the leader stops renewing, a follower takes over once the lease duration has passed", async () => {
    const a = replica("a");
    const b = replica("b");
    await a.elector.tick();
    await b.elector.tick(); // b observes a's record now
    clock += 14_000;
    await b.elector.tick();
    expect(b.leadership.isLeader()).toBe(false); // not yet expired as b observed it
    clock += 2_000;
    await b.elector.tick();
    expect(b.leadership.isLeader()).toBe(true);
    expect(lease().spec.holderIdentity).toBe("b");
    expect(lease().spec.leaseTransitions).toBe(1);
    // The old leader comes back: it sees b's lease and steps down instead of fighting for it.
    await a.elector.tick();
    expect(a.leadership.isLeader()).toBe(false);
    expect(a.changes).toEqual(["lead: acquired the lease", "follow: another replica holds the lease"]);
  });

  test("two replicas racing for an expired lease: exactly one wins (the other gets a 409)", async () => {
    const dead = replica("dead");
    await dead.elector.tick();
    const rivals = [replica("b"), replica("c"), replica("d")];
    for (const r of rivals) await r.elector.tick();
    clock += 16_000;
    await Promise.all(rivals.map((r) => r.elector.tick()));
    // All three wrote (each had read the expired lease first); the resourceVersion guard decided.
    expect(fake.requests.filter((r) => r.verb === "update" && r.resource === "leases")).toHaveLength(3);
    expect(rivals.filter((r) => r.leadership.isLeader())).toHaveLength(1);
    const winner = rivals.find((r) => r.leadership.isLeader())!;
    expect(lease().spec.holderIdentity).toBe(winner.leadership.replicaId);
    expect(lease().spec.leaseTransitions).toBe(1);
  });

  test("a leader that cannot reach the API server steps down at the renew deadline, before the lease expires", async () => {
    const a = replica("a");
    await a.elector.tick();
    for (let i = 0; i < 6; i++) {
      fake.failNext({ verb: "get", resource: "leases", code: 500, reason: "InternalError", message: "etcd down" });
      clock += 2_000;
      await a.elector.tick();
      expect(a.leadership.isLeader()).toBe(clock <= 10_000);
    }
    expect(a.changes).toEqual(["lead: acquired the lease", "follow: renew deadline passed"]);
    // The API server answers again: a still holds the Lease (nobody took it) and leads again.
    clock += 2_000;
    await a.elector.tick();
    expect(a.leadership.isLeader()).toBe(true);
  });

  test("a failed renewal within the deadline keeps the leader leading", async () => {
    const a = replica("a");
    await a.elector.tick();
    fake.failNext({ verb: "update", resource: "leases", code: 503, reason: "ServiceUnavailable", message: "busy" });
    clock += 2_000;
    await a.elector.tick();
    expect(a.leadership.isLeader()).toBe(true);
  });

  test("stop() releases the lease, so the next replica leads at its next try instead of a lease duration later", async () => {
    const a = replica("a");
    const b = replica("b");
    await a.elector.tick();
    await b.elector.tick();
    await a.elector.stop();
    expect(a.leadership.isLeader()).toBe(false);
    expect(lease().spec.holderIdentity).toBe("");
    clock += 2_000;
    await b.elector.tick();
    expect(b.leadership.isLeader()).toBe(true);
  });

  test("without the RBAC rule for leases it stays a follower and says why, never a crash", async () => {
    fake.rbac = REQUIRED_RBAC.filter((rule) => rule.resource !== "leases");
    const logged: string[] = [];
    const { leadership, elector } = replica("a", {}, { log: (event) => logged.push(event) });
    await elector.tick();
    expect(leadership.isLeader()).toBe(false);
    expect(logged).toEqual(["lease election: the API server did not answer"]);
  });

  test("start() runs rounds on its own timer until stop()", async () => {
    const { leadership, elector } = replica(
      "a",
      { durationMs: 1_000, renewDeadlineMs: 800, retryPeriodMs: 20 },
      { realClock: true },
    );
    const led = new Promise<void>((resolve) => leadership.onChange((c) => c.leader && resolve()));
    elector.start();
    await led;
    const renewed = lease().spec.renewTime;
    // Renewed again by the timer alone (waiting on the condition: a loaded machine is slow).
    await until(() => lease().spec.renewTime !== renewed, "a renewal by the timer", 5_000);
    await elector.stop();
    expect(lease().spec.holderIdentity).toBe("");
  });

  test("MicroTime has six fractional digits", () => {
    expect(microTime(Date.UTC(2026, 11, 4, 13, 0, 0, 123))).toBe("2026-12-04T13:00:00.123000Z");
  });
});
