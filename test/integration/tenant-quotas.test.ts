/**
 * Issue 19, quotas end to end on a served control plane with API keys of two tenants: maxFunctions
 * (403 QUOTA_EXCEEDED), the admission quotas (429 + Retry-After + X-Queue-Reject-Reason
 * tenant_rate / tenant_concurrency / tenant_queue), maxConcurrency holding a tenant's dispatch over
 * all its functions, and the fairness test: tenant A flooding a slow function past its quota does
 * not slow tenant B down (B's p99 within 2× of B alone).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { authedControlPlane } from "../support/auth";
import { type Served, serveControlPlane } from "../support/control-plane";
import { until } from "../support/until";

let served: Served;
let tenants: ReturnType<typeof authedControlPlane>["cp"]["tenants"];
const keys: Record<string, string> = {};
const pods: ReturnType<typeof Bun.serve>[] = [];
/** The slow pod's calls in flight now, and the most ever seen at once. */
const slow = { inFlight: 0, peak: 0, delayMs: 150 };

const call = (tenant: string, method: string, path: string, body?: unknown) =>
  fetch(`${served.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${keys[tenant]}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const register = async (tenant: string, name: string, endpoint: string, extra: object = {}) => {
  const spec = { name, image: "x", executionMode: "POOL", endpointUrl: endpoint, concurrency: 64, ...extra };
  return call(tenant, "POST", "/v1/functions", spec);
};

beforeAll(async () => {
  const { cp } = authedControlPlane();
  tenants = cp.tenants;
  const scopes = ["functions:read", "functions:write", "functions:invoke", "executions:read"];
  for (const tenant of ["team-a", "team-b", "team-c"]) {
    await cp.tenants.create({ name: tenant });
    keys[tenant] = (await cp.auth.apiKeys.create({ name: tenant, scopes, tenant, expiresAt: null })).secret;
  }
  served = serveControlPlane(cp);
  pods.push(
    Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async () => {
        slow.inFlight++;
        slow.peak = Math.max(slow.peak, slow.inFlight);
        await Bun.sleep(slow.delayMs);
        slow.inFlight--;
        return Response.json({ ok: true });
      },
    }),
    Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: async () => {
        await Bun.sleep(20);
        return Response.json({ ok: true });
      },
    }),
  );
});

afterAll(async () => {
  await served.stop();
  for (const pod of pods) pod.stop(true);
});

const slowUrl = () => pods[0]!.url.href;
const steadyUrl = () => pods[1]!.url.href;

test("maxFunctions: the next registration is 403 QUOTA_EXCEEDED; other tenants are not counted", async () => {
  await tenants.update("team-c", { maxFunctions: 2 });
  expect((await register("team-c", "f1", steadyUrl())).status).toBe(201);
  expect((await register("team-c", "f2", steadyUrl())).status).toBe(201);
  const refused = await register("team-c", "f3", steadyUrl());
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ error: "QUOTA_EXCEEDED" });
  expect((await call("team-c", "GET", "/v1/functions/f3")).status).toBe(404);
  expect((await register("team-b", "f3", steadyUrl())).status).toBe(201);
  expect((await call("team-c", "DELETE", "/v1/functions/f1")).status).toBe(204);
  expect((await register("team-c", "f3", steadyUrl())).status).toBe(201);
  await call("team-b", "DELETE", "/v1/functions/f3");
});

test("maxRequestsPerSecond: past the burst, 429 tenant_rate with Retry-After, over all the tenant's functions", async () => {
  await tenants.update("team-c", { maxRequestsPerSecond: 3 });
  const statuses: number[] = [];
  let refused: Response | undefined;
  for (const name of ["f2", "f3", "f2", "f3", "f2"]) {
    const res = await call("team-c", "POST", `/v1/functions/${name}:enqueue`, { input: 1 });
    statuses.push(res.status);
    if (res.status === 429) refused ??= res;
  }
  expect(statuses.filter((s) => s === 202).length).toBe(3);
  expect(refused!.headers.get("X-Queue-Reject-Reason")).toBe("tenant_rate");
  expect(Number(refused!.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  expect(await refused!.json()).toMatchObject({ error: "RATE_LIMITED" });
  await tenants.update("team-c", {});
});

describe("maxConcurrency and maxQueued", () => {
  beforeAll(async () => {
    expect((await register("team-a", "slow1", slowUrl())).status).toBe(201);
    expect((await register("team-a", "slow2", slowUrl())).status).toBe(201);
  });

  test("in flight over all the tenant's functions stays at maxConcurrency; async work waits, then runs", async () => {
    await tenants.update("team-a", { maxConcurrency: 2 });
    slow.peak = 0;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await call("team-a", "POST", `/v1/functions/slow${(i % 2) + 1}:enqueue`, { input: i });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { executionId: string }).executionId);
    }
    // a sync call at the cap is refused at once
    const sync = await call("team-a", "POST", "/v1/functions/slow1:invoke", { input: 0 });
    expect(sync.status).toBe(429);
    expect(sync.headers.get("X-Queue-Reject-Reason")).toBe("tenant_concurrency");
    expect(sync.headers.get("Retry-After")).not.toBeNull();
    for (const id of ids) {
      await until(
        async () =>
          ((await (await call("team-a", "GET", `/v1/executions/${id}`)).json()) as { status: string }).status ===
          "success",
        `execution ${id}`,
        { timeoutMs: 10_000 },
      );
    }
    expect(slow.peak).toBe(2);
  });

  test("maxQueued: past it, 429 tenant_queue", async () => {
    await tenants.update("team-a", { maxConcurrency: 1, maxQueued: 2 });
    const statuses: (string | number)[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call("team-a", "POST", `/v1/functions/slow${(i % 2) + 1}:enqueue`, { input: i });
      statuses.push(res.status === 429 ? (res.headers.get("X-Queue-Reject-Reason") ?? "?") : res.status);
    }
    // one dispatched, two queued, then full
    expect(statuses).toEqual([202, 202, 202, "tenant_queue", "tenant_queue"]);
    await until(async () => slow.inFlight === 0, "the queue to drain", { timeoutMs: 10_000 });
    await tenants.update("team-a", {});
  });
});

describe("fairness", () => {
  const p99 = (samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
  };
  /** B's latencies: `rounds` rounds of `parallel` concurrent sync calls. */
  const measureB = async (rounds: number, parallel: number) => {
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          const started = performance.now();
          const res = await call("team-b", "POST", "/v1/functions/steady:invoke", { input: 1 });
          expect(res.status).toBe(200);
          samples.push(performance.now() - started);
        }),
      );
    }
    return samples;
  };

  test("A flooding a slow function past its quota gets 429s with the reasons; B's p99 stays within 2× of B alone", async () => {
    expect((await register("team-b", "steady", steadyUrl())).status).toBe(201);
    await tenants.update("team-a", { maxConcurrency: 4, maxQueued: 8, maxRequestsPerSecond: 200 });
    await measureB(3, 4); // warm-up
    const alone = p99(await measureB(15, 4));

    const reasons = new Map<string, number>();
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            const res = await call("team-a", "POST", "/v1/functions/slow1:invoke", { input: 1 });
            const reason = res.status === 429 ? (res.headers.get("X-Queue-Reject-Reason") ?? "?") : String(res.status);
            reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
            await res.arrayBuffer();
          }),
        );
      }
    })();
    await Bun.sleep(100);
    const loaded = p99(await measureB(15, 4));
    flooding = false;
    await flood;

    const tenantReasons = [...reasons.keys()].filter((r) => r.startsWith("tenant_"));
    expect(tenantReasons.length).toBeGreaterThan(0);
    expect([...reasons.keys()].every((r) => r === "200" || r.startsWith("tenant_"))).toBe(true);
    // 2× of B alone (B's function takes 20 ms, so the bound is not lost in timer noise)
    expect(loaded).toBeLessThanOrEqual(2 * alone);
    await tenants.update("team-a", {});
  }, 30_000);
});
