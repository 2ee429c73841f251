/**
 * A traffic split survives a restart (issue 22): it is stored beside the active version (SQLite
 * here; PostgreSQL schema v4 in the tools tier), and the next control plane routes by it again.
 * Two POOL versions point at two real HTTP servers, so every answer says which version ran it.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/observability/logger";
import { recoverState } from "../../src/registry/recover-state";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store";
import { appCaller } from "../support/app-call";
import { testControlPlane } from "../support/control-plane";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-traffic-"));
const pod = (answer: string) => Bun.serve({ port: 0, fetch: () => Response.json({ version: answer }) });
const pods = [pod("one"), pod("two")];
afterAll(() => {
  for (const p of pods) p.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

const spec = (i: number) => ({
  name: "cart",
  executionMode: "POOL",
  endpointUrl: `http://127.0.0.1:${pods[i]!.port}/invoke`,
});

test("the split comes back after a restart: same weights, same routing, pins work", async () => {
  const path = join(dir, "state.db");
  const first = testControlPlane({}, { store: createSqliteStore({ path }) });
  const call1 = appCaller(() => first.app);
  expect((await call1("POST", "/v1/functions", spec(0))).status).toBe(201);
  expect((await call1("PUT", "/v1/functions/cart", spec(1))).json.version).toBe(2);
  const split = {
    traffic: [
      { version: 1, weight: 50 },
      { version: 2, weight: 50 },
    ],
  };
  expect((await call1("PUT", "/v1/functions/cart/traffic", split)).status).toBe(200);

  const store = createSqliteStore({ path });
  const second = testControlPlane({}, { store });
  await recoverState({ store, functions: second.functions, engine: second.engine }, silentLogger());
  const call2 = appCaller(() => second.app);
  expect((await call2("GET", "/v1/functions/cart")).json).toMatchObject({ version: 2, ...split });
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++)
    seen.add((await call2("POST", "/v1/functions/cart:invoke", { input: i })).json.output.version);
  expect([...seen].sort()).toEqual(["one", "two"]);
  for (let i = 0; i < 5; i++) {
    const pinned = await second.app.request("/v1/functions/cart:invoke", {
      method: "POST",
      headers: { "content-type": "application/json", "X-Function-Version": "1" },
      body: JSON.stringify({ input: i }),
    });
    expect(((await pinned.json()) as { output: { version: string } }).output.version).toBe("one");
  }
});

test("metrics carry the version: each version's calls count under its own label, never the internal name", async () => {
  const cp = testControlPlane({}, {});
  const call = appCaller(() => cp.app);
  expect((await call("POST", "/v1/functions", spec(0))).status).toBe(201);
  await call("PUT", "/v1/functions/cart", spec(1));
  await call("PUT", "/v1/functions/cart/traffic", {
    traffic: [
      { version: 1, weight: 0 },
      { version: 2, weight: 100 },
    ],
  });
  const pinned = (version: string) =>
    cp.app.request("/v1/functions/cart:invoke", {
      method: "POST",
      headers: { "content-type": "application/json", "X-Function-Version": version },
      body: JSON.stringify({ input: 1 }),
    });
  for (let i = 0; i < 3; i++) expect((await pinned("1")).status).toBe(200);
  for (let i = 0; i < 5; i++) expect((await pinned("2")).status).toBe(200);
  const text = await (await cp.management.request("/metrics")).text();
  expect(text).toContain('function_success_total{function="cart",version="1"} 3');
  expect(text).toContain('function_success_total{function="cart",version="2"} 5');
  expect(text).not.toContain("cart@v");
});
