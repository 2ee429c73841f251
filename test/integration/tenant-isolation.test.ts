/**
 * Issue 19, the isolation test: three tenants (default, team-a, team-b) each own a function named
 * `report` (and team-b a `secret`), served by pods that answer with their tenant's name. Through the
 * API (the invoke fast path and the app), the generated client and the CLI, no tenant reads,
 * invokes, deletes, looks up an execution of, replays a dead letter of, or reads the logs of
 * another tenant's objects: they are 404, exactly like objects that do not exist.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { createNanofaasClient } from "../../openapi/client";
import { authedControlPlane } from "../support/auth";
import { type Served, serveControlPlane } from "../support/control-plane";
import { until } from "../support/until";

const TENANTS = ["default", "team-a", "team-b"] as const;
type Tenant = (typeof TENANTS)[number];

let served: Served;
const pods: ReturnType<typeof Bun.serve>[] = [];
const keys = {} as Record<Tenant | "admin", string>;
const cli = {} as Record<Tenant, CliSandbox>;

const call = (tenant: Tenant | "admin", method: string, path: string, body?: unknown, headers = {}) =>
  fetch(`${served.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${keys[tenant]}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const json = async (res: Response) => (await res.json()) as Record<string, unknown> & { items: never[] };

beforeAll(async () => {
  const { cp } = authedControlPlane();
  for (const tenant of ["team-a", "team-b"]) await cp.tenants.create({ name: tenant });
  const mint = async (tenant: string, scopes: string[]) =>
    (await cp.auth.apiKeys.create({ name: `k-${tenant}-${scopes[0]}`, scopes, tenant, expiresAt: null })).secret;
  const scopes = ["functions:read", "functions:write", "functions:invoke", "executions:read", "dlq:write"];
  for (const tenant of TENANTS) keys[tenant] = await mint(tenant, scopes);
  keys.admin = await mint("default", ["admin"]);
  served = serveControlPlane(cp);
  const dead = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("down", { status: 503 }) });
  pods.push(dead);
  for (const tenant of TENANTS) {
    const pod = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => Response.json({ tenant }),
    });
    pods.push(pod);
    const spec = { name: "report", image: "x", executionMode: "POOL", endpointUrl: pod.url.href };
    expect((await call(tenant, "POST", "/v1/functions", spec)).status).toBe(201);
    const flaky = {
      name: "flaky",
      image: "x",
      executionMode: "POOL",
      endpointUrl: dead.url.href,
      maxRetries: 1,
    };
    expect((await call(tenant, "POST", "/v1/functions", flaky)).status).toBe(201);
    cli[tenant] = cliSandbox({ NANOFAAS_ENDPOINT: served.url, NANOFAAS_TOKEN: keys[tenant] });
  }
  const secret = { name: "secret", image: "x", executionMode: "POOL", endpointUrl: pods[3]!.url.href };
  expect((await call("team-b", "POST", "/v1/functions", secret)).status).toBe(201);
});

afterAll(async () => {
  await served.stop();
  for (const pod of pods) pod.stop(true);
  for (const sandbox of Object.values(cli)) sandbox.cleanup();
});

describe("functions", () => {
  test("each tenant lists only its own functions, under their own names", async () => {
    for (const tenant of TENANTS) {
      const names = ((await json(await call(tenant, "GET", "/v1/functions"))) as unknown as { name: string }[]).map(
        (f) => f.name,
      );
      expect(names).toEqual(tenant === "team-b" ? ["flaky", "report", "secret"] : ["flaky", "report"]);
    }
  });

  test("the same name invokes each tenant's own function: fast path and app path", async () => {
    for (const tenant of TENANTS) {
      const fast = await call(tenant, "POST", "/v1/functions/report:invoke", { input: 1 });
      expect(((await json(fast)).output as { tenant: string }).tenant).toBe(tenant);
      // a charset parameter sends the call through the app instead of the fast path
      const slow = await call(
        tenant,
        "POST",
        "/v1/functions/report:invoke",
        { input: 1 },
        {
          "content-type": "application/json; charset=UTF-8; x=1",
        },
      );
      expect(((await json(slow)).output as { tenant: string }).tenant).toBe(tenant);
    }
  });

  test("another tenant's function is 404 for every verb, and the name does not leak in the answer", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", "/v1/functions/secret"],
      ["DELETE", "/v1/functions/secret"],
      ["POST", "/v1/functions/secret:invoke", { input: 1 }],
      ["POST", "/v1/functions/secret:enqueue", { input: 1 }],
      ["GET", "/v1/functions/secret/versions"],
      ["GET", "/v1/functions/secret/logs"],
      ["GET", "/v1/functions/secret/schedules"],
      ["PUT", "/v1/functions/secret", { name: "secret", image: "y" }],
      ["POST", "/v1/functions/secret:rollback"],
      ["PUT", "/v1/functions/secret/traffic", { traffic: [{ version: 1, weight: 100 }] }],
      ["POST", "/v1/functions/secret:promote", { version: 1 }],
      ["PUT", "/v1/functions/secret/replicas", { replicas: 1 }],
      ["POST", "/v1/functions/secret:reset-circuit"],
      // the internal key spelled out is no name at all
      ["GET", "/v1/functions/team-b%2Fsecret"],
      ["POST", "/v1/functions/team-b%2Fsecret:invoke", { input: 1 }],
    ];
    for (const tenant of ["default", "team-a"] as const) {
      for (const [method, path, body] of attempts) {
        const res = await call(tenant, method, path, body);
        expect({ tenant, method, path, status: res.status }).toEqual({ tenant, method, path, status: 404 });
        // (a path naming the key itself is echoed back: the caller's own words, nothing learnt)
        if (!path.includes("team-b")) expect(await res.text()).not.toContain("team-b");
      }
    }
    expect((await call("team-b", "GET", "/v1/functions/secret")).status).toBe(200);
  });

  test("stats and triggers show only the caller's functions", async () => {
    const stats = (await json(await call("team-a", "GET", "/v1/stats/functions"))).items as { function: string }[];
    expect(stats.map((s) => s.function).sort()).toEqual(["flaky", "report"]);
    expect((await call("team-a", "GET", "/v1/triggers?function=secret")).status).toBe(404);
  });
});

describe("executions and the DLQ", () => {
  test("an execution id of another tenant is 404; lists hold only the caller's executions", async () => {
    const mine = (await json(await call("team-b", "POST", "/v1/functions/secret:invoke", { input: 2 })))
      .executionId as string;
    expect((await call("team-b", "GET", `/v1/executions/${mine}`)).status).toBe(200);
    for (const other of ["default", "team-a"] as const) {
      expect((await call(other, "GET", `/v1/executions/${mine}`)).status).toBe(404);
      const page = await json(await call(other, "GET", "/v1/executions?limit=500"));
      const functions = new Set((page.items as { function: string }[]).map((e) => e.function));
      expect(functions.has("secret")).toBe(false);
      expect([...functions].every((f) => !f.includes("/"))).toBe(true);
      expect((page.items as { executionId: string }[]).some((e) => e.executionId === mine)).toBe(false);
    }
    const own = await json(await call("team-b", "GET", "/v1/executions?function=secret"));
    expect((own.items as { executionId: string }[]).map((e) => e.executionId)).toContain(mine);
  });

  test("a dead letter of another tenant cannot be listed, read, replayed, deleted or purged", async () => {
    const enqueued = (await json(await call("team-b", "POST", "/v1/functions/flaky:enqueue", { input: 3 })))
      .executionId as string;
    const entryId = await until(
      async () => {
        const page = await json(await call("team-b", "GET", "/v1/dlq?function=flaky"));
        return (page.items as { id: string; executionId: string }[]).find((e) => e.executionId === enqueued)?.id;
      },
      "team-b's dead letter",
      { timeoutMs: 10_000 },
    );
    for (const other of ["default", "team-a"] as const) {
      const listed = await json(await call(other, "GET", "/v1/dlq"));
      expect((listed.items as { id: string }[]).some((e) => e.id === entryId)).toBe(false);
      const byName = await json(await call(other, "GET", "/v1/dlq?function=flaky"));
      expect((byName.items as { id: string }[]).some((e) => e.id === entryId)).toBe(false);
      expect((await call(other, "GET", `/v1/dlq/${entryId}`)).status).toBe(404);
      expect((await call(other, "POST", `/v1/dlq/${entryId}:replay`)).status).toBe(404);
      expect((await call(other, "DELETE", `/v1/dlq/${entryId}`)).status).toBe(404);
      const purgedAll = await call(other, "POST", "/v1/dlq:purge", { confirm: true });
      expect(purgedAll.status).toBe(200);
      const purgedByName = await call(other, "POST", "/v1/dlq:purge", { confirm: true, function: "flaky" });
      expect(purgedByName.status).toBe(200);
    }
    const entry = await json(await call("team-b", "GET", `/v1/dlq/${entryId}`));
    expect(entry.function).toBe("flaky");
    expect((await call("team-b", "POST", `/v1/dlq/${entryId}:replay`)).status).toBe(202);
  });
});

describe("chains", () => {
  test("a chain's next is the function of that name in the chain's own tenant", async () => {
    const spec = {
      name: "chained",
      image: "x",
      executionMode: "POOL",
      endpointUrl: pods[2]!.url.href,
      chain: { next: "report" },
    };
    expect((await call("team-a", "POST", "/v1/functions", spec)).status).toBe(201);
    const first = (await json(await call("team-a", "POST", "/v1/functions/chained:enqueue", { input: 1 })))
      .executionId as string;
    const next = await until(
      async () => {
        const page = await json(await call("team-a", "GET", "/v1/executions?function=report&limit=500"));
        return (page.items as { parentExecutionId: string | null; status: string; output: unknown }[]).find(
          (e) => e.parentExecutionId === first && e.status === "success",
        );
      },
      "team-a's chained report",
      { timeoutMs: 10_000 },
    );
    expect(next.output).toEqual({ tenant: "team-a" });
    const elsewhere = await json(await call("default", "GET", "/v1/executions?function=report&limit=500"));
    expect((elsewhere.items as { parentExecutionId: string | null }[]).some((e) => e.parentExecutionId === first)).toBe(
      false,
    );
  });
});

describe("acting in another tenant", () => {
  test("only an admin may use X-Nanofaas-Tenant; it must name a tenant that exists", async () => {
    const header = { "X-Nanofaas-Tenant": "team-b" };
    expect((await call("team-a", "GET", "/v1/functions/secret", undefined, header)).status).toBe(403);
    expect((await call("team-a", "POST", "/v1/functions/secret:invoke", { input: 1 }, header)).status).toBe(403);
    expect((await call("admin", "GET", "/v1/functions/secret", undefined, header)).status).toBe(200);
    const invoked = await call("admin", "POST", "/v1/functions/report:invoke", { input: 1 }, header);
    expect(((await json(invoked)).output as { tenant: string }).tenant).toBe("team-b");
    const unknown = { "X-Nanofaas-Tenant": "team-z" };
    expect((await call("admin", "GET", "/v1/functions", undefined, unknown)).status).toBe(404);
    // naming one's own tenant is allowed to anyone
    expect((await call("team-a", "GET", "/v1/functions", undefined, { "X-Nanofaas-Tenant": "team-a" })).status).toBe(
      200,
    );
  });

  test("workflows are refused outside the default tenant (not resolved per tenant yet)", async () => {
    expect((await call("team-a", "GET", "/v1/workflows")).status).toBe(501);
  });
});

describe("the generated client and the CLI", () => {
  test("the client sees only its tenant's functions", async () => {
    const client = createNanofaasClient(served.url, { token: keys["team-a"] });
    const { data } = await client.GET("/v1/functions");
    expect(data!.map((f) => f.name).sort()).toEqual(["chained", "flaky", "report"]);
    const missing = await client.GET("/v1/functions/{name}", { params: { path: { name: "secret" } } });
    expect(missing.response.status).toBe(404);
  });

  test("the CLI of each tenant lists, invokes and deletes only its own", async () => {
    const listed = await cli["team-a"].run(["fn", "list"]);
    expect(listed.stdout).toContain("report");
    expect(listed.stdout).not.toContain("secret");
    const invoked = await cli["team-a"].run(["invoke", "report", "-d", "{}"]);
    expect(invoked.stdout).toContain("team-a");
    expect((await cli["team-a"].run(["fn", "get", "secret"])).code).not.toBe(0);
    expect((await cli["team-a"].run(["fn", "rm", "secret"])).code).not.toBe(0);
    expect((await call("team-b", "GET", "/v1/functions/secret")).status).toBe(200);
  });
});
