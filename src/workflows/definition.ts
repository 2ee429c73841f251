/**
 * @module
 * A workflow definition (SPEC-platform §7) and its validation when written: ids unique, every
 * `dependsOn` names a step, the graph is acyclic (the cycle is named), functions exist,
 * expressions parse, and a reference to `$.steps.<id>` names a step this one depends on (directly
 * or through others) — else its output could not exist yet. All problems are reported at once,
 * each naming its step. The result is a compiled plan the runner executes.
 */
import { validation } from "../domain/errors";
import { type Expr, ExpressionError, type PathPart, parseExpression, referencesOf } from "./expressions";
import { compileMapping, type Mapping } from "./mapping";

export interface StepDefinition {
  id: string;
  function: string;
  dependsOn?: string[];
  /** Mapping of the step's input; default: the workflow input (no dependency), the output of the
   * one dependency, or `{<dependency id>: output}` for several. */
  input?: unknown;
  when?: string;
  retry?: { maxAttempts: number; backoffMs?: number };
  timeoutMs?: number;
}

export interface WorkflowDefinition {
  name: string;
  description?: string;
  steps: StepDefinition[];
  /** Mapping of the run's output; default: `{<step id>: output}` of the steps nothing depends on. */
  output?: unknown;
  onFailure?: "failFast" | "continue";
  timeoutMs?: number;
}

export interface CompiledStep {
  def: StepDefinition;
  dependsOn: string[];
  input: Mapping;
  when?: Expr;
  maxAttempts: number;
  backoffMs: number;
}

export interface WorkflowPlan {
  def: WorkflowDefinition;
  steps: CompiledStep[];
  output: Mapping;
  onFailure: "failFast" | "continue";
}

const DEFAULT_BACKOFF_MS = 200;

/** Builds the plan or throws 400 VALIDATION_ERROR with one detail per problem. */
export function compileWorkflow(def: WorkflowDefinition, functionExists: (name: string) => boolean): WorkflowPlan {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const step of def.steps) {
    if (ids.has(step.id)) problems.push(`steps.${step.id}: duplicate step id`);
    ids.add(step.id);
  }
  for (const step of def.steps) {
    if (!functionExists(step.function)) problems.push(`steps.${step.id}: function '${step.function}' does not exist`);
    for (const dep of step.dependsOn ?? []) {
      if (!ids.has(dep)) problems.push(`steps.${step.id}: dependsOn names '${dep}', which is not a step`);
      if (dep === step.id) problems.push(`steps.${step.id}: a step cannot depend on itself`);
    }
  }
  const cycle = findCycle(def.steps);
  if (cycle) problems.push(`steps.${cycle[0]}: dependency cycle ${cycle.join(" → ")}`);
  const ancestors = cycle ? new Map<string, Set<string>>() : ancestorsOf(def.steps);
  const steps = def.steps.map((step) => compileStep(step, ancestors.get(step.id), problems));
  const output = compileOrReport("output", def.output ?? defaultOutput(def.steps), ids, problems);
  if (problems.length > 0) throw validation(`Workflow '${def.name}' is invalid`, problems);
  return { def, steps, output, onFailure: def.onFailure ?? "failFast" };
}

function compileStep(step: StepDefinition, ancestors: Set<string> | undefined, problems: string[]): CompiledStep {
  const where = `steps.${step.id}`;
  const dependsOn = step.dependsOn ?? [];
  const reachable = new Set([...(ancestors ?? []), ...dependsOn]);
  const input = compileOrReport(`${where}.input`, step.input ?? defaultInput(dependsOn), reachable, problems);
  let when: Expr | undefined;
  if (step.when !== undefined) {
    try {
      when = parseExpression(step.when);
      for (const ref of referencesOf(when)) checkReference(ref, reachable, `${where}.when`, problems);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push(`${where}.when: '${step.when}': ${error.message}`);
    }
  }
  return {
    def: step,
    dependsOn,
    input,
    when,
    maxAttempts: step.retry?.maxAttempts ?? 1,
    backoffMs: step.retry?.backoffMs ?? DEFAULT_BACKOFF_MS,
  };
}

function compileOrReport(where: string, template: unknown, reachable: Set<string>, problems: string[]): Mapping {
  try {
    return compileMapping(template, (parts) => checkReference(parts, reachable, where, problems));
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    problems.push(`${where}: ${error.message}`);
    return () => null;
  }
}

/** A reference must start at `input` or at a step this one can see (`$.steps.<id>.output|status`). */
function checkReference(parts: PathPart[], reachable: Set<string>, where: string, problems: string[]): void {
  const [root, id, field] = parts;
  if (root === "input") return;
  if (root !== "steps") {
    problems.push(`${where}: a reference starts with $.input or $.steps.<id>, not $.${String(root ?? "")}`);
  } else if (typeof id !== "string" || !reachable.has(id)) {
    problems.push(`${where}: $.steps.${String(id ?? "")} is not a step this one depends on (directly or indirectly)`);
  } else if (field !== undefined && field !== "output" && field !== "status") {
    problems.push(`${where}: $.steps.${id}.${String(field)}: a step has 'output' and 'status'`);
  }
}

function defaultInput(dependsOn: string[]): string | Record<string, string> {
  if (dependsOn.length === 0) return "$.input";
  if (dependsOn.length === 1) return `$.steps.${dependsOn[0]}.output`;
  return Object.fromEntries(dependsOn.map((id) => [id, `$.steps.${id}.output`]));
}

function defaultOutput(steps: StepDefinition[]): Record<string, string> {
  const needed = new Set(steps.flatMap((s) => s.dependsOn ?? []));
  return Object.fromEntries(steps.filter((s) => !needed.has(s.id)).map((s) => [s.id, `$.steps.${s.id}.output`]));
}

/** The first cycle found, as a path that returns to its start (`a → b → a`), else undefined. */
export function findCycle(steps: StepDefinition[]): string[] | undefined {
  const deps = new Map(steps.map((s) => [s.id, s.dependsOn ?? []]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done" || !deps.has(id)) return undefined;
    if (state.get(id) === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const step of steps) {
    const found = visit(step.id);
    // Found walking dependsOn edges (step → its dependency); read it in run order.
    if (found) return found.reverse();
  }
  return undefined;
}

/** For an acyclic graph: every step's transitive dependencies. */
function ancestorsOf(steps: StepDefinition[]): Map<string, Set<string>> {
  const deps = new Map(steps.map((s) => [s.id, s.dependsOn ?? []]));
  const memo = new Map<string, Set<string>>();
  const of = (id: string): Set<string> => {
    const known = memo.get(id);
    if (known) return known;
    const all = new Set<string>();
    for (const dep of deps.get(id) ?? []) {
      all.add(dep);
      for (const a of of(dep)) all.add(a);
    }
    memo.set(id, all);
    return all;
  };
  for (const step of steps) of(step.id);
  return memo;
}
