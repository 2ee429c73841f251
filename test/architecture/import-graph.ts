/**
 * @module
 * The import graph of the sources and the layering rules it must keep (docs/architecture.md).
 * Imports are read with TypeScript's own pre-processor, so `import type`, `export … from` and
 * `import("…")` all count: a cycle through types is still a cycle for the next reader.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";

/** Repository-relative path (forward slashes) → the specifiers it imports. */
export type ImportMap = Map<string, string[]>;

export function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** Every non-test `.ts` file under `dir` (relative to `root`), with its imports. */
export function readImports(root: string, dir: string): ImportMap {
  const map: ImportMap = new Map();
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (
        entry.name.endsWith(".ts") &&
        !/\.(test|tools|e2e)\.ts$/.test(entry.name) &&
        !entry.name.endsWith(".d.ts")
      ) {
        map.set(relative(root, path).split("\\").join("/"), importsOf(readFileSync(path, "utf8")));
      }
    }
  };
  walk(join(root, dir));
  return map;
}

/** The repository path a relative specifier of `from` names (`.ts` added when absent), else undefined. */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const path = normalize(join(dirname(from), specifier))
    .split("\\")
    .join("/");
  return /\.(ts|json)$/.test(path) ? path : `${path}.ts`;
}

/** Layers of src/, lowest first: a module may import its own layer and the ones below. */
export const LAYERS: readonly (readonly string[])[] = [
  ["lib", "contracts"],
  ["domain", "config", "store", "auth", "resilience", "logs"],
  ["queue", "scheduler", "dispatch", "execution", "deploy", "scaling", "ha", "tenants"],
  ["registry", "observability", "admin", "dlq", "triggers", "operator", "workflows", "versions"],
  ["api", "console", "docs"],
  ["app.ts", "control-plane.ts", "openapi-document.ts", "main.ts"],
];

/** `src/<area>/…` → area; `src/<file>.ts` → file name. */
export function areaOf(path: string): string | undefined {
  const parts = path.split("/");
  if (parts[0] !== "src") return undefined;
  return parts.length > 2 ? parts[1] : parts[1];
}

const layerOf = (area: string) => LAYERS.findIndex((layer) => layer.includes(area));

/**
 * Files below their folder's layer: cross-cutting leaves every layer may use. The logger
 * (observability/logger.ts) imports nothing from src/, and every component logs through it.
 */
export const FILE_LAYERS: Readonly<Record<string, number>> = { "src/observability/logger.ts": 0 };

const targetLayer = (path: string, area: string) => FILE_LAYERS[path] ?? layerOf(area);

/** Areas that may import only themselves (shared with the watchdog and the runtimes). */
const SELF_CONTAINED = new Set(["lib", "contracts"]);

/** One import that breaks a layering rule, as "from → to: why". */
export function layeringViolations(graph: ImportMap): string[] {
  const violations: string[] = [];
  for (const [from, specifiers] of graph) {
    const fromArea = areaOf(from);
    for (const specifier of specifiers) {
      if (specifier === "@kubernetes/client-node" || specifier.startsWith("@kubernetes/client-node/")) {
        if (!from.startsWith("src/deploy/k8s/"))
          violations.push(`${from} → ${specifier}: only src/deploy/k8s uses the Kubernetes client`);
        continue;
      }
      const to = resolveRelative(from, specifier);
      const toArea = to && areaOf(to);
      if (!fromArea || !toArea || fromArea === toArea) continue;
      if (SELF_CONTAINED.has(fromArea)) {
        violations.push(`${from} → ${to}: src/${fromArea} imports nothing else from src/`);
        continue;
      }
      const [fromLayer, toLayer] = [layerOf(fromArea), targetLayer(to, toArea)];
      if (fromLayer < 0)
        violations.push(`${from}: src/${fromArea} has no layer (add it to LAYERS and docs/architecture.md)`);
      else if (toLayer > fromLayer)
        violations.push(
          `${from} → ${to}: ${fromArea} (layer ${fromLayer}) may not import ${toArea} (layer ${toLayer})`,
        );
    }
  }
  return violations;
}

/** Imports of watchdog sources that reach into src/ outside src/contracts and src/lib. */
export function watchdogViolations(graph: ImportMap): string[] {
  const violations: string[] = [];
  for (const [from, specifiers] of graph) {
    for (const specifier of specifiers) {
      const to = resolveRelative(from, specifier);
      if (to?.startsWith("src/") && !/^src\/(contracts|lib)\//.test(to))
        violations.push(`${from} → ${to}: the watchdog imports only src/contracts and src/lib`);
    }
  }
  return violations;
}

/** Every cycle of relative imports among the files of `graph`, each as a path that returns to its start. */
export function cycles(graph: ImportMap): string[][] {
  const edges = new Map<string, string[]>();
  for (const [from, specifiers] of graph) {
    edges.set(
      from,
      specifiers.map((s) => resolveRelative(from, s)).filter((to): to is string => to !== undefined && graph.has(to)),
    );
  }
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}
