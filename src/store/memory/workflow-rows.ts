/**
 * @module
 * Workflow definitions and runs in the memory store: plain maps, copies in and out.
 */
import { decodeCursor, isAfter, newestFirst, pageOf } from "../cursor";
import type { WorkflowRow, WorkflowRows, WorkflowRunRow } from "../workflow-rows";

const position = (run: WorkflowRunRow) => ({ at: run.startedAt, id: run.id });

export function createMemoryWorkflowRows(): WorkflowRows {
  const definitions = new Map<string, WorkflowRow>();
  const runs = new Map<string, WorkflowRunRow>();
  const copy = <T>(row: T): T => structuredClone(row);
  return {
    definitions: {
      loadAll: async () => [...definitions.values()].map(copy),
      put: async (row) => void definitions.set(row.name, copy(row)),
      delete: async (name) => definitions.delete(name),
    },
    runs: {
      put: async (run) => void runs.set(run.id, copy(run)),
      putStep: async (runId, step) => {
        const run = runs.get(runId);
        if (!run) return;
        run.steps = run.steps.map((s) => (s.id === step.id ? copy(step) : s));
      },
      get: async (id) => {
        const run = runs.get(id);
        return run && copy(run);
      },
      list: async (query) => {
        const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        const matching = [...runs.values()].filter(
          (run) =>
            (query.workflow === undefined || run.workflow === query.workflow) &&
            (query.status === undefined || run.status === query.status) &&
            isAfter(run.startedAt, run.id, after),
        );
        matching.sort((a, b) => newestFirst(position(a), position(b)));
        return pageOf(matching.slice(0, query.limit + 1).map(copy), query.limit, position);
      },
      loadUnfinished: async () => [...runs.values()].filter((run) => run.status === "running").map(copy),
    },
  };
}
