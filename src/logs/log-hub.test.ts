import { describe, expect, test } from "bun:test";
import { LogHub } from "./log-hub";
import { readTags } from "./log-line";

describe("readTags", () => {
  test("the watchdog's prefix: ids taken, prefix removed", () => {
    expect(readTags("[exec e-1 trace abc] hello world")).toEqual({
      executionId: "e-1",
      traceId: "abc",
      message: "hello world",
    });
    expect(readTags("[exec e-2] only id")).toEqual({ executionId: "e-2", message: "only id" });
  });

  test("a runtime's JSON line: ids taken, line kept whole", () => {
    const line = '{"level":"info","message":"hi","executionId":"e-3","traceId":"t"}';
    expect(readTags(line)).toEqual({ executionId: "e-3", traceId: "t", message: line });
  });

  test("anything else is untagged and unchanged", () => {
    for (const text of ["plain", "[exec] no id", "[exec a b c] x", '{"executionId": 5}', '{"executionId":', ""]) {
      expect(readTags(text)).toEqual({ message: text });
    }
  });
});

describe("LogHub", () => {
  test("keeps at most `capacity` lines per function, the newest, oldest first", async () => {
    const hub = new LogHub(3);
    for (let i = 1; i <= 5; i++) hub.record("a", "0", "stdout", `line ${i}`);
    hub.record("b", "0", "stdout", "other function");
    expect((await hub.read("a", {})).map((l) => l.message)).toEqual(["line 3", "line 4", "line 5"]);
    expect((await hub.read("a", { tail: 2 })).map((l) => l.message)).toEqual(["line 4", "line 5"]);
    expect((await hub.read("a", { tail: 0 })).map((l) => l.message)).toEqual([]);
    expect(await hub.read("nobody", {})).toEqual([]);
  });

  test("filters by execution, replica and time", async () => {
    const hub = new LogHub(10);
    hub.record("f", "0", "stdout", "[exec e1] one");
    hub.record("f", "1", "stderr", "[exec e2] two");
    hub.record("f", "1", "stdout", "untagged");
    expect((await hub.read("f", { executionId: "e2" })).map((l) => [l.replica, l.stream, l.message])).toEqual([
      ["1", "stderr", "two"],
    ]);
    expect((await hub.read("f", { replica: "1" })).map((l) => l.message)).toEqual(["two", "untagged"]);
    expect(await hub.read("f", { sinceMs: Date.now() + 60_000 })).toEqual([]);
    expect(await hub.read("f", { sinceMs: Date.now() - 60_000 })).toHaveLength(3);
  });

  test("follow hands over new matching lines until aborted; forget drops the history", async () => {
    const hub = new LogHub(10);
    const seen: string[] = [];
    const stop = new AbortController();
    const following = hub.follow("f", { executionId: "e1" }, (l) => seen.push(l.message), stop.signal);
    hub.record("f", "0", "stdout", "[exec e1] mine");
    hub.record("f", "0", "stdout", "[exec e9] not mine");
    hub.record("g", "0", "stdout", "[exec e1] other function");
    stop.abort();
    await following;
    hub.record("f", "0", "stdout", "[exec e1] after the abort");
    expect(seen).toEqual(["mine"]);
    hub.forget("f");
    expect(await hub.read("f", {})).toEqual([]);
  });
});
