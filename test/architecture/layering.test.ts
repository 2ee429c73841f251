/**
 * The layering of docs/architecture.md, enforced: the import graph of src/ (type imports included)
 * has no cycle, imports point down the layers, only src/deploy/k8s touches the Kubernetes client,
 * and the watchdog's sources reach into src/ only for contracts and lib. The rule functions are
 * also run on small made-up graphs, so a broken rule cannot pass silently.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { cycles, type ImportMap, importsOf, layeringViolations, readImports, watchdogViolations } from "./import-graph";

const ROOT = join(import.meta.dir, "../..");
const src = readImports(ROOT, "src");

describe("the repository keeps its layering", () => {
  test("src/ is read whole (the scan sees the engine, the API and the k8s backend)", () => {
    for (const path of [
      "src/execution/engine.ts",
      "src/api/fast-invoke.ts",
      "src/deploy/k8s/deployer.ts",
      "src/main.ts",
    ]) {
      expect(src.has(path)).toBe(true);
    }
  });

  test("the import graph of src/ is acyclic, counting type imports", () => {
    expect(cycles(src).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  test("imports point down the layers; only src/deploy/k8s imports @kubernetes/client-node", () => {
    expect(layeringViolations(src)).toEqual([]);
  });

  test("the watchdog imports only src/contracts and src/lib", () => {
    expect(watchdogViolations(readImports(ROOT, "watchdog/src"))).toEqual([]);
  });
});

describe("the rules catch what they are for", () => {
  const graph = (entries: Record<string, string>): ImportMap =>
    new Map(Object.entries(entries).map(([path, source]) => [path, importsOf(source)]));

  test("every import form counts, type-only and dynamic ones too", () => {
    const source = `import type { A } from "./a";\nimport {\n  b,\n  type C,\n} from "./b";\nexport * from "./c";\nconst d = await import("./d");\nimport "./e";`;
    expect(importsOf(source)).toEqual(["./a", "./b", "./c", "./d", "./e"]);
  });

  test("a cycle through a type import is found", () => {
    const found = cycles(
      graph({
        "src/queue/q.ts": `import type { R } from "../execution/r";`,
        "src/execution/r.ts": `import { Q } from "../queue/q";`,
      }),
    );
    expect(found.map((c) => c.join(" → "))).toEqual(["src/execution/r.ts → src/queue/q.ts → src/execution/r.ts"]);
  });

  test("an upward import, a leaky lib and a stray Kubernetes client are each reported", () => {
    const violations = layeringViolations(
      graph({
        "src/domain/spec.ts": `import type { InvocationEngine } from "../execution/engine";`,
        "src/execution/engine.ts": `import { x } from "../api/errors";`,
        "src/lib/util.ts": `import { y } from "../domain/spec";`,
        "src/dispatch/jobs.ts": `import * as k8s from "@kubernetes/client-node";`,
        "src/deploy/k8s/ok.ts": `import * as k8s from "@kubernetes/client-node"; import { c } from "../../config/config";`,
        "src/api/ok.ts": `import { e } from "../execution/engine"; import { d } from "../domain/spec";`,
        "src/deploy/ok.ts": `import type { Logger } from "../observability/logger";`,
      }),
    );
    expect(violations).toEqual([
      "src/domain/spec.ts → src/execution/engine.ts: domain (layer 1) may not import execution (layer 2)",
      "src/execution/engine.ts → src/api/errors.ts: execution (layer 2) may not import api (layer 4)",
      "src/lib/util.ts → src/domain/spec.ts: src/lib imports nothing else from src/",
      "src/dispatch/jobs.ts → @kubernetes/client-node: only src/deploy/k8s uses the Kubernetes client",
    ]);
  });

  test("a watchdog import of the engine is reported", () => {
    const violations = watchdogViolations(
      graph({
        "watchdog/src/main.ts": `import { Header } from "../../src/contracts/headers"; import type { E } from "../../src/execution/engine";`,
      }),
    );
    expect(violations).toEqual([
      "watchdog/src/main.ts → src/execution/engine.ts: the watchdog imports only src/contracts and src/lib",
    ]);
  });
});
