/**
 * PostgreSQL tier, the whole process: `nanofaas` with NANOFAAS_STORE=postgres on a real server.
 * The database is stopped under the running control plane — `:enqueue` answers 503
 * STORE_UNAVAILABLE and readiness 503 — and started again — both recover without a restart; then a
 * restart of the control plane on the same database finds the function and every accepted
 * execution.
 */
import { afterAll, expect, test } from "bun:test";
import { startControlPlane } from "../support/control-plane-process";
import { usePostgresServer } from "../support/postgres-server";
import { until } from "../support/until";

const server = usePostgresServer();
const pod = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  fetch: async (req) => new Response(await req.text(), { headers: { "content-type": "application/json" } }),
});
afterAll(() => pod.stop(true));

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

test("database away: 503 STORE_UNAVAILABLE and readiness 503, then back without a restart; state survives a restart", async () => {
  const env = { NANOFAAS_STORE: "postgres", NANOFAAS_DATABASE_URL: await server().createDatabase("process") };
  let cp = await startControlPlane(env);
  try {
    const registered = await post(`${cp.api}/v1/functions`, {
      name: "echo",
      executionMode: "POOL",
      endpointUrl: `http://127.0.0.1:${pod.port}/`,
    });
    expect(registered.status).toBe(201);
    const enqueue = () => post(`${cp.api}/v1/functions/echo:enqueue`, { input: { n: 1 } });
    const first = await enqueue();
    expect(first.status).toBe(202);
    const { executionId } = await first.json();
    const readiness = async () => (await fetch(`${cp.management}/readyz`)).status;
    await until(async () => (await readiness()) === 200, "readiness 200 once start-up recovery is done", 10_000);

    await server().stop();
    const refused = await enqueue();
    expect(refused.status).toBe(503);
    expect((await refused.json()).error).toBe("STORE_UNAVAILABLE");
    await until(async () => (await readiness()) === 503, "readiness 503 while the database is away", 10_000);

    await server().start();
    await until(async () => (await readiness()) === 200, "readiness 200 once the database is back", 20_000);
    const again = await enqueue();
    expect(again.status).toBe(202);
    const second = (await again.json()).executionId;
    const done = async (id: string) => (await (await fetch(`${cp.api}/v1/executions/${id}`)).json()).status;
    await until(async () => (await done(executionId)) === "success" && (await done(second)) === "success", "both runs");

    await cp.stop();
    cp = await startControlPlane(env);
    await until(async () => (await readiness()) === 200, "readiness 200 after the restart's recovery", 10_000);
    expect((await fetch(`${cp.api}/v1/functions/echo`)).status).toBe(200);
    expect(await done(executionId)).toBe("success");
    expect(await done(second)).toBe("success");
  } finally {
    await cp.stop();
  }
}, 120_000);
