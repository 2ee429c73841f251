import { describe, expect, test } from "bun:test";
import { createMemoryVersionRows } from "../store/memory/version-rows";
import { VersionHistory } from "./version-history";

const spec = (image: string) => ({ name: "f", image, env: { A: "1" } });

describe("version history", () => {
  test("a registration with the active spec (a restart) is that version again; a changed one is new", async () => {
    const rows = createMemoryVersionRows();
    const history = new VersionHistory({ rows, retention: 10 });
    expect(await history.registered(spec("a"))).toBe(1);
    expect(await history.append(spec("b"))).toBe(2);
    const restarted = new VersionHistory({ rows, retention: 10 });
    expect(await restarted.registered({ env: { A: "1" }, image: "b", name: "f" })).toBe(2);
    expect(await restarted.registered(spec("c"))).toBe(3);
  });

  test("after a rollback the active spec is the older one, so a restart keeps the rolled-back version", async () => {
    const history = new VersionHistory({ rows: createMemoryVersionRows(), retention: 10 });
    await history.registered(spec("a"));
    await history.append(spec("b"));
    const target = await history.rollbackTarget("f", 2, undefined);
    expect(target.version).toBe(1);
    await history.activate("f", 1);
    expect(await history.registered(spec("a"))).toBe(1);
    await expect(history.rollbackTarget("f", 1, undefined)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(history.rollbackTarget("f", 1, 9)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  test("retention keeps the newest versions; numbers are never reused", async () => {
    const history = new VersionHistory({ rows: createMemoryVersionRows(), retention: 2 });
    for (const image of ["a", "b", "c", "d"]) await history.append(spec(image));
    expect((await history.list("f")).map((r) => r.version)).toEqual([3, 4]);
    expect(await history.append(spec("e"))).toBe(5);
  });
});
