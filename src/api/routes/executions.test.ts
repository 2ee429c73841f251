/**
 * `GET /v1/executions` through app.request(): on the default memory store and on a real SQLite
 * file — filters, newest first, paging, the view's fields, and every bad parameter a 400.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jsonRequest, testControlPlane } from "../../../test/support/control-plane";
import type { ControlPlane } from "../../control-plane";
import { createSqliteStore } from "../../store/sqlite/sqlite-store";
import type { StateStore } from "../../store/state-store";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-history-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Item = Record<string, unknown> & { executionId: string };
type Page = { items: Item[]; nextCursor: string | null };

const list = async (cp: ControlPlane, query = "") => {
  const res = await cp.app.request(`/v1/executions${query}`);
  return { status: res.status, body: (await res.json()) as Page & { error?: string; message?: string } };
};

/** Two LOCAL echo functions with three sync calls each; returns their ids, oldest first. */
async function seed(cp: ControlPlane): Promise<string[]> {
  const ids: string[] = [];
  for (const name of ["a", "b"]) {
    await cp.app.request("/v1/functions", jsonRequest("POST", { name, executionMode: "LOCAL" }));
  }
  for (let i = 0; i < 6; i++) {
    const res = await cp.fetch(
      new Request(`http://localhost/v1/functions/${i % 2 ? "b" : "a"}:invoke`, jsonRequest("POST", `{"input":${i}}`)),
    );
    ids.push(((await res.json()) as { executionId: string }).executionId);
    await Bun.sleep(2); // distinct createdAt, so "newest first" is by time, not only by id
  }
  return ids;
}

const stores: [string, () => StateStore | undefined][] = [
  ["memory", () => undefined],
  // A long write-behind delay: the route must flush before it lists (read your writes).
  ["sqlite", () => createSqliteStore({ path: join(dir, `${crypto.randomUUID()}.db`), behindDelayMs: 60_000 })],
];

describe.each(stores)("GET /v1/executions on the %s store", (_, open) => {
  const setup = async () => {
    const store = open();
    const cp = testControlPlane({}, store ? { store } : {});
    return { cp, ids: await seed(cp), close: () => store?.close() };
  };

  test("newest first with the view's fields; filters by function and status", async () => {
    const { cp, ids, close } = await setup();
    const all = await list(cp);
    expect(all.status).toBe(200);
    expect(all.body.items.map((item) => item.executionId)).toEqual([...ids].reverse());
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[0]).toMatchObject({
      status: "success",
      output: 5,
      function: "b",
      attempts: 1,
      parentExecutionId: null,
      rootExecutionId: null,
    });
    expect(Object.keys(all.body.items[0]!).slice(0, 8)).toEqual([
      "executionId",
      "status",
      "startedAt",
      "finishedAt",
      "output",
      "error",
      "coldStart",
      "initDurationMs",
    ]);
    expect((await list(cp, "?function=a")).body.items.map((item) => item.executionId)).toEqual(
      ids.filter((_, i) => i % 2 === 0).reverse(),
    );
    expect((await list(cp, "?status=error")).body.items).toEqual([]);
    expect((await list(cp, "?function=a&status=success&limit=1")).body.items.map((i) => i.executionId)).toEqual([
      ids[4]!,
    ]);
    await close();
  });

  test("since/until select a createdAt window, both inclusive", async () => {
    const { cp, ids, close } = await setup();
    const created = (await list(cp)).body.items.map((item) => item.createdAt as string).reverse();
    const window = await list(cp, `?since=${created[1]}&until=${created[3]}`);
    expect(window.body.items.map((item) => item.executionId)).toEqual([ids[3]!, ids[2]!, ids[1]!]);
    await close();
  });

  test("pages follow nextCursor without repeats or gaps", async () => {
    const { cp, ids, close } = await setup();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(cp, `?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.body.items.map((item) => item.executionId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    await close();
  });

  test.each([
    ["?limit=501", "VALIDATION_ERROR"],
    ["?limit=0", "VALIDATION_ERROR"],
    ["?limit=ten", "VALIDATION_ERROR"],
    ["?status=done", "VALIDATION_ERROR"],
    ["?since=yesterday", "VALIDATION_ERROR"],
    ["?until=2026-13-45T00:00:00Z", "VALIDATION_ERROR"],
    ["?cursor=garbage", "BAD_REQUEST"],
    ["?cursor=", "BAD_REQUEST"],
  ])("%s → 400 %s", async (query, code) => {
    const { cp, close } = await setup();
    const res = await list(cp, query);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe(code);
    await close();
  });
});
