import { expect, test } from "bun:test";
import type { NanofaasError } from "../domain/errors";
import { type GatedQueue, TenantAdmission, TenantGate } from "./tenant-admission";
import type { TenantQuotas } from "./tenant-spec";

const queue = (sync = 0, async = 0): GatedQueue => ({ sync: { size: sync }, async: { size: async } });
const rejectionOf = (run: () => void) => {
  try {
    run();
    return undefined;
  } catch (error) {
    const e = error as NanofaasError;
    return { code: e.code, reason: e.rejectReason, retryAfter: e.retryAfterSeconds };
  }
};

function gate(quotas: TenantQuotas) {
  const woken: GatedQueue[] = [];
  return {
    gate: new TenantGate(
      "t",
      quotas,
      (q) => woken.push(q),
      () => 2,
    ),
    woken,
  };
}

test("no quotas: every call is admitted and dispatch is never held", () => {
  const { gate: g } = gate({});
  const q = queue(1000, 1000);
  g.queues.add(q);
  for (let i = 0; i < 1000; i++) {
    g.admit(true, true, 0);
    expect(g.allows(q, true)).toBe(true);
    g.acquire(true);
  }
  expect(g.attemptsInFlight).toBe(1000);
});

test("maxRequestsPerSecond: a burst of one second's worth, then 429 tenant_rate until tokens refill", () => {
  const { gate: g } = gate({ maxRequestsPerSecond: 10 });
  for (let i = 0; i < 10; i++) g.admit(false, false, 1_000);
  expect(rejectionOf(() => g.admit(false, false, 1_000))).toEqual({
    code: "RATE_LIMITED",
    reason: "tenant_rate",
    retryAfter: 1,
  });
  // 100 ms later one token is back, not two
  g.admit(false, false, 1_100);
  expect(rejectionOf(() => g.admit(false, false, 1_100))?.reason).toBe("tenant_rate");
  // a long pause refills to the burst, never beyond
  for (let i = 0; i < 10; i++) g.admit(false, false, 60_000);
  expect(rejectionOf(() => g.admit(false, false, 60_000))?.reason).toBe("tenant_rate");
});

test("a refused call takes no token", () => {
  const { gate: g } = gate({ maxRequestsPerSecond: 1, maxQueued: 1 });
  g.queues.add(queue(1));
  expect(rejectionOf(() => g.admit(false, false, 0))?.reason).toBe("tenant_queue");
  g.queues.clear();
  g.admit(false, false, 0);
});

test("a slow rate: Retry-After is when the next token is due", () => {
  const { gate: g } = gate({ maxRequestsPerSecond: 1 });
  g.admit(false, false, 0);
  expect(rejectionOf(() => g.admit(false, false, 0))?.retryAfter).toBe(1);
});

test("maxConcurrency: a sync call at the cap is 429 tenant_concurrency; async is admitted and waits", () => {
  const { gate: g, woken } = gate({ maxConcurrency: 2 });
  const q = queue();
  g.queues.add(q);
  g.acquire(false);
  g.acquire(false);
  expect(rejectionOf(() => g.admit(true, false, 0))).toEqual({
    code: "QUEUE_FULL",
    reason: "tenant_concurrency",
    retryAfter: 2,
  });
  g.admit(false, false, 0);
  expect(g.allows(q, false)).toBe(false);
  g.release(false);
  expect(woken).toEqual([q]);
  expect(g.allows(q, false)).toBe(true);
});

test("maxJobs holds only REMOTE work; other modes of the tenant go on", () => {
  const { gate: g } = gate({ maxJobs: 1 });
  const remote = queue();
  const pool = queue();
  g.acquire(true);
  expect(g.allows(remote, true)).toBe(false);
  expect(g.allows(pool, false)).toBe(true);
  expect(rejectionOf(() => g.admit(true, true, 0))?.reason).toBe("tenant_concurrency");
  expect(rejectionOf(() => g.admit(true, false, 0))).toBeUndefined();
});

test("maxQueued counts waiting items over all the tenant's queues, both lanes", () => {
  const { gate: g } = gate({ maxQueued: 5 });
  g.queues.add(queue(2, 1));
  g.queues.add(queue(0, 1));
  g.admit(false, false, 0);
  g.queues.add(queue(1, 0));
  expect(rejectionOf(() => g.admit(false, false, 0))?.reason).toBe("tenant_queue");
});

test("raising a quota wakes held queues at once", () => {
  const { gate: g, woken } = gate({ maxConcurrency: 1 });
  const q = queue();
  g.acquire(false);
  expect(g.allows(q, false)).toBe(false);
  g.setQuotas({ maxConcurrency: 2 });
  expect(woken).toEqual([q]);
  expect(g.allows(q, false)).toBe(true);
});

test("TenantAdmission: a gate per tenant, made with the registry's quotas; changes reach it", () => {
  const quotas = new Map<string, TenantQuotas>([["a", { maxConcurrency: 1 }]]);
  const admission = new TenantAdmission(
    (t) => quotas.get(t),
    () => undefined,
  );
  const qa = queue();
  const qb = queue();
  const a = admission.attach("a", qa);
  const b = admission.attach("b", qb);
  expect(a).not.toBe(b);
  expect(admission.attach("a", queue())).toBe(a);
  a.acquire(false);
  expect(a.allows(qa, false)).toBe(false);
  // tenant b is untouched by a's cap: fairness
  b.acquire(false);
  expect(b.allows(qb, false)).toBe(true);
  admission.setQuotas("a", { maxConcurrency: 5 });
  expect(a.allows(qa, false)).toBe(true);
  admission.setQuotas("a", undefined);
  expect(a.quotas).toEqual({});
});

test("TenantAdmission: a gate without queues or work is dropped; one with work in flight is kept", () => {
  const admission = new TenantAdmission(
    () => undefined,
    () => undefined,
  );
  const q = queue();
  const g = admission.attach("a", q);
  g.acquire(false);
  admission.detach(g, q);
  expect(admission.gate("a")).toBe(g);
  g.release(false);
  const q2 = queue();
  admission.attach("a", q2);
  admission.detach(g, q2);
  expect(admission.gate("a")).toBeUndefined();
});
