/**
 * @module
 * Function chains (issue 23, SPEC-platform §7): a spec's `chain: {next, passOutput?, onError?}`
 * and the registration-time check of the chain graph. Each function names at most one `next`, so
 * the graph is a set of paths that may end in a cycle; the check refuses a registration that would
 * close a cycle or make any chain through the function longer than NANOFAAS_MAX_CHAIN_DEPTH
 * functions, naming the path. Functions can be updated later and registrations can race, so the
 * runtime follower (workflows/chain-follower.ts) guards depth again along each root execution.
 */
import { z } from "zod";
import { FUNCTION_NAME_PATTERN } from "./object-name";

export const ChainSpec = z
  .object({
    next: z.string().regex(FUNCTION_NAME_PATTERN, "must be a function name").meta({
      description:
        "The function invoked (async) when an execution of this one ends; it need not exist yet (a missing one is logged and counted when the chain reaches it)",
    }),
    passOutput: z
      .boolean()
      .nullish()
      .meta({ description: "true (default): next gets this execution's output; false: this execution's input" }),
    onError: z.enum(["stop", "next"]).nullish().meta({
      description:
        "stop (default): a failed execution ends the chain; next: next is invoked anyway, with this execution's input and metadata chain-error",
    }),
  })
  .meta({ id: "ChainSpec", description: "docs/workflows.md, Chains" });
export type ChainSpec = z.infer<typeof ChainSpec>;

export interface ResolvedChain {
  next: string;
  passOutput: boolean;
  onError: "stop" | "next";
}

export function resolveChain(spec: ChainSpec | null | undefined): ResolvedChain | undefined {
  if (!spec) return undefined;
  return { next: spec.next, passOutput: spec.passOutput ?? true, onError: spec.onError ?? "stop" };
}

export const MAX_CHAIN_DEPTH_SETTING = "NANOFAAS_MAX_CHAIN_DEPTH";

/**
 * Detail lines (empty: fine) for giving function `name` the chain `next` (undefined: none), when
 * every other function's next is `nextOf`. `maxDepth` counts functions, the first included.
 */
export function chainProblems(
  name: string,
  next: string | undefined,
  nextOf: ReadonlyMap<string, string>,
  maxDepth: number,
): string[] {
  // Removing a chain only shortens paths: nothing to refuse.
  if (next === undefined) return [];
  const graph = new Map(nextOf).set(name, next);
  const downstream = forward(name, graph);
  if (downstream.cycleAt !== undefined) {
    return [`chain.next: '${next}' makes a cycle: ${downstream.path.join(" → ")}`];
  }
  const upstream = longestInto(name, graph);
  const longest = [...upstream, ...downstream.path];
  if (longest.length > maxDepth) {
    return [
      `chain: ${longest.join(" → ")} would chain ${longest.length} functions, more than ${MAX_CHAIN_DEPTH_SETTING} (${maxDepth})`,
    ];
  }
  return [];
}

/** The path from `start` along `next`, ending at a function without one, or at the first repeat. */
function forward(start: string, graph: ReadonlyMap<string, string>): { path: string[]; cycleAt?: string } {
  const path = [start];
  const seen = new Set(path);
  for (let at = graph.get(start); at !== undefined; at = graph.get(at)) {
    path.push(at);
    if (seen.has(at)) return { path, cycleAt: at };
    seen.add(at);
  }
  return { path };
}

/** The longest path of other functions that chains into `target` (without `target` itself). */
function longestInto(target: string, graph: ReadonlyMap<string, string>): string[] {
  const into = new Map<string, string[]>();
  for (const [from, to] of graph) into.set(to, [...(into.get(to) ?? []), from]);
  let best: string[] = [];
  // Depth-first over predecessors; no cycle reaches `target` (forward() found none through it).
  const visit = (at: string, suffix: string[], seen: Set<string>) => {
    if (suffix.length > best.length) best = suffix;
    for (const from of into.get(at) ?? []) {
      if (seen.has(from)) continue;
      seen.add(from);
      visit(from, [from, ...suffix], seen);
      seen.delete(from);
    }
  };
  visit(target, [], new Set([target]));
  return best;
}
