/**
 * @module
 * The VersionRows contract, run against each implementation (memory, SQLite, PostgreSQL).
 */
import { expect, test } from "bun:test";
import type { FunctionVersionRow, VersionRows } from "./version-rows";

const row = (name: string, version: number): FunctionVersionRow => ({
  name,
  version,
  spec: { name, image: `img:${version}`, env: { V: String(version) } },
  createdAt: 1_000 + version,
});

export function versionRowsContract(open: () => VersionRows | Promise<VersionRows>): void {
  test("append stores a version and makes it active; list is oldest first", async () => {
    const rows = await open();
    await rows.append(row("f", 1));
    await rows.append(row("f", 2));
    await rows.append(row("g", 1));
    expect((await rows.list("f")).map((r) => r.version)).toEqual([1, 2]);
    expect(await rows.get("f", 1)).toEqual(row("f", 1));
    expect(await rows.get("f", 3)).toBeUndefined();
    expect(await rows.active("f")).toBe(2);
    expect(await rows.active("missing")).toBeUndefined();
  });

  test("a version number cannot be stored twice", async () => {
    const rows = await open();
    await rows.append(row("f", 1));
    await expect(rows.append(row("f", 1))).rejects.toThrow();
  });

  test("setActive moves the active pointer (rollback); prune keeps the newest and the active", async () => {
    const rows = await open();
    for (let v = 1; v <= 5; v++) await rows.append(row("f", v));
    await rows.setActive("f", 1);
    expect(await rows.active("f")).toBe(1);
    expect(await rows.prune("f", 3)).toBe(2);
    expect((await rows.list("f")).map((r) => r.version)).toEqual([1, 4, 5]);
    expect(await rows.prune("f", 3)).toBe(0);
  });

  test("deleteFunction removes its history and nothing else", async () => {
    const rows = await open();
    await rows.append(row("f", 1));
    await rows.append(row("g", 1));
    await rows.deleteFunction("f");
    expect(await rows.list("f")).toEqual([]);
    expect(await rows.active("f")).toBeUndefined();
    expect(await rows.list("g")).toHaveLength(1);
  });

  test("traffic is kept beside the active version; setActive keeps it; setTraffic with a version moves both", async () => {
    const rows = await open();
    await rows.append(row("f", 1));
    await rows.append(row("f", 2));
    expect(await rows.traffic("f")).toBeUndefined();
    const split = [
      { version: 1, weight: 90 },
      { version: 2, weight: 10 },
    ];
    await rows.setTraffic("f", split);
    expect(await rows.traffic("f")).toEqual(split);
    expect(await rows.active("f")).toBe(2);
    await rows.setActive("f", 2);
    expect(await rows.traffic("f")).toEqual(split);
    await rows.setTraffic("f", undefined, 1);
    expect(await rows.traffic("f")).toBeUndefined();
    expect(await rows.active("f")).toBe(1);
    await rows.setTraffic("f", split);
    await rows.deleteFunction("f");
    await rows.append(row("f", 1));
    expect(await rows.traffic("f")).toBeUndefined();
  });
}
