import { describe, expect, test } from "bun:test";
import { ChainSpec, chainProblems, resolveChain } from "./chain";

const graph = (...links: [string, string][]) => new Map(links);

describe("chainProblems", () => {
  test("a chain into functions without one, or not registered yet, is fine within the depth", () => {
    expect(chainProblems("a", "b", graph(["b", "c"]), 3)).toEqual([]);
    expect(chainProblems("a", "ghost", graph(), 2)).toEqual([]);
    expect(chainProblems("a", undefined, graph(["b", "a"], ["c", "b"]), 1)).toEqual([]);
  });

  test("a cycle is refused, naming it: to itself, and through other functions", () => {
    expect(chainProblems("a", "a", graph(), 10)).toEqual(["chain.next: 'a' makes a cycle: a → a"]);
    expect(chainProblems("c", "a", graph(["a", "b"], ["b", "c"]), 10)).toEqual([
      "chain.next: 'a' makes a cycle: c → a → b → c",
    ]);
  });

  test("depth counts functions, the first included, through the longest path into and out of the function", () => {
    // x → b, y → z → b, then b → c → d: registering b → c makes y → z → b → c → d (5 functions)
    const others = graph(["x", "b"], ["y", "z"], ["z", "b"], ["c", "d"]);
    expect(chainProblems("b", "c", others, 5)).toEqual([]);
    expect(chainProblems("b", "c", others, 4)).toEqual([
      "chain: y → z → b → c → d would chain 5 functions, more than NANOFAAS_MAX_CHAIN_DEPTH (4)",
    ]);
    // depth 1: no chain at all
    expect(chainProblems("a", "b", graph(), 1)).toEqual([
      "chain: a → b would chain 2 functions, more than NANOFAAS_MAX_CHAIN_DEPTH (1)",
    ]);
  });

  test("an update replaces the function's previous next", () => {
    // a → b → c existed; a now points at c: a → c, not a cycle, 2 long
    expect(chainProblems("a", "c", graph(["a", "b"], ["b", "c"]), 2)).toEqual([]);
  });
});

test("ChainSpec: next must be a function name; defaults pass the output and stop on error", () => {
  expect(ChainSpec.safeParse({ next: "../etc" }).success).toBe(false);
  expect(ChainSpec.safeParse({ next: "b", onError: "retry" }).success).toBe(false);
  expect(resolveChain(ChainSpec.parse({ next: "b" }))).toEqual({ next: "b", passOutput: true, onError: "stop" });
  expect(resolveChain({ next: "b", passOutput: false, onError: "next" })).toEqual({
    next: "b",
    passOutput: false,
    onError: "next",
  });
  expect(resolveChain(null)).toBeUndefined();
});
