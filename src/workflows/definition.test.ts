import { describe, expect, test } from "bun:test";
import { NanofaasError } from "../domain/errors";
import { compileWorkflow, findCycle, type WorkflowDefinition } from "./definition";

const exists = (name: string) => ["extract", "transform", "validate", "load"].includes(name);

function problems(def: WorkflowDefinition): string[] {
  try {
    compileWorkflow(def, exists);
  } catch (error) {
    expect(error).toBeInstanceOf(NanofaasError);
    expect((error as NanofaasError).code).toBe("VALIDATION_ERROR");
    return (error as NanofaasError).details ?? [];
  }
  return [];
}

const etl: WorkflowDefinition = {
  name: "etl",
  steps: [
    { id: "extract", function: "extract" },
    { id: "transform", function: "transform", dependsOn: ["extract"] },
    { id: "validate", function: "validate", dependsOn: ["extract"], input: { rows: "$.steps.extract.output.rows" } },
    {
      id: "load",
      function: "load",
      dependsOn: ["transform", "validate"],
      when: "$.steps.validate.output.valid == true",
      input: { rows: "$.steps.transform.output.rows", source: "$.steps.extract.output.source" },
    },
  ],
};

describe("compileWorkflow", () => {
  test("a valid DAG compiles; a reference to an indirect dependency is allowed", () => {
    const plan = compileWorkflow(etl, exists);
    expect(plan.steps.map((s) => s.dependsOn)).toEqual([[], ["extract"], ["extract"], ["transform", "validate"]]);
    expect(plan.onFailure).toBe("failFast");
    // Defaults: no dependency → the workflow input; one → its output; the output → the sinks.
    const scope = { input: { x: 1 }, steps: { extract: { output: { rows: [1] } }, load: { output: "done" } } };
    expect(plan.steps[0]?.input(scope)).toEqual({ x: 1 });
    expect(plan.steps[1]?.input(scope)).toEqual({ rows: [1] });
    expect(plan.output(scope)).toEqual({ load: "done" });
  });

  test("a cycle is rejected naming its path", () => {
    const def: WorkflowDefinition = {
      name: "loop",
      steps: [
        { id: "a", function: "extract", dependsOn: ["c"] },
        { id: "b", function: "extract", dependsOn: ["a"] },
        { id: "c", function: "extract", dependsOn: ["b"] },
      ],
    };
    expect(problems(def)).toEqual(["steps.a: dependency cycle a → b → c → a"]);
    expect(findCycle([{ id: "s", function: "f", dependsOn: ["s"] }])).toEqual(["s", "s"]);
  });

  test("unknown function, missing dependency, duplicate id, bad expressions and unreachable references are all listed", () => {
    const def: WorkflowDefinition = {
      name: "bad",
      steps: [
        { id: "a", function: "nope" },
        { id: "b", function: "load", dependsOn: ["ghost"] },
        { id: "b", function: "load" },
        { id: "c", function: "load", dependsOn: ["a"], when: "$.steps.a.output.ok ==" },
        { id: "d", function: "load", input: { x: "$.steps.a.output", y: "$.other", z: "$.steps.a.result" } },
        { id: "e", function: "load", dependsOn: ["a"], input: "$.steps.a.output[" },
      ],
      output: { r: "$.steps.zzz.output" },
    };
    expect(problems(def)).toEqual([
      "steps.b: duplicate step id",
      "steps.a: function 'nope' does not exist",
      "steps.b: dependsOn names 'ghost', which is not a step",
      "steps.c.when: '$.steps.a.output.ok ==': expected a value at the end",
      "steps.d.input: $.steps.a is not a step this one depends on (directly or indirectly)",
      "steps.d.input: a reference starts with $.input or $.steps.<id>, not $.other",
      "steps.d.input: $.steps.a is not a step this one depends on (directly or indirectly)",
      "steps.e.input: '$.steps.a.output[': expected [number] or ['name'] at position 16",
      "output: $.steps.zzz is not a step this one depends on (directly or indirectly)",
    ]);
  });

  test("a field of a step other than output or status is refused", () => {
    const def = {
      ...etl,
      steps: [...etl.steps, { id: "x", function: "load", dependsOn: ["load"], input: "$.steps.load.result" }],
    };
    expect(problems(def)).toEqual(["steps.x.input: $.steps.load.result: a step has 'output' and 'status'"]);
  });
});
