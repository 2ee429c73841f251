/**
 * @module
 * Workflow definitions and runs in the SQLite store; tables of the `workflows` area. A run's start
 * and end write the run and its steps in one transaction; each step transition is one row.
 */
import type { Database } from "bun:sqlite";
import { decodeCursor, pageOf } from "../cursor";
import type { WorkflowRow, WorkflowRows, WorkflowRunRow, WorkflowStepRow } from "../workflow-rows";
import type { GuardedWrite } from "./core-rows";
import { type Filter, newestFirstPage } from "./list-sql";

interface RunColumns {
  id: string;
  workflow: string;
  version: number;
  definition: string;
  status: string;
  input: string;
  output: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
  deadline: number | null;
}

interface StepColumns {
  step_id: string;
  status: string;
  execution_id: string | null;
  attempts: number;
  input: string | null;
  output: string | null;
  error: string | null;
  started_at: number | null;
  finished_at: number | null;
}

const encode = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);
const decode = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

const stepOf = (c: StepColumns): WorkflowStepRow => ({
  id: c.step_id,
  status: c.status as WorkflowStepRow["status"],
  executionId: c.execution_id,
  attempts: c.attempts,
  input: decode(c.input),
  output: decode(c.output),
  error: decode(c.error) as WorkflowStepRow["error"],
  startedAt: c.started_at,
  finishedAt: c.finished_at,
});

export function createSqliteWorkflowRows(db: Database, write: GuardedWrite): WorkflowRows {
  const putDefinition = db.query(
    "INSERT OR REPLACE INTO workflows (name, version, definition, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
  );
  const putRun = db.query(
    `INSERT OR REPLACE INTO workflow_runs (id, workflow, version, definition, status, input, output, error, started_at, finished_at, deadline)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const putStep = db.query(
    `INSERT INTO workflow_run_steps (run_id, step_id, position, status, execution_id, attempts, input, output, error, started_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step_id) DO UPDATE SET status = excluded.status, execution_id = excluded.execution_id,
       attempts = excluded.attempts, input = excluded.input, output = excluded.output, error = excluded.error,
       started_at = excluded.started_at, finished_at = excluded.finished_at`,
  );
  const stepsOf = db.query<StepColumns, [string]>(
    "SELECT * FROM workflow_run_steps WHERE run_id = ? ORDER BY position",
  );
  const writeStep = (runId: string, step: WorkflowStepRow, position: number) =>
    putStep.run(
      runId,
      step.id,
      position,
      step.status,
      step.executionId,
      step.attempts,
      encode(step.input),
      encode(step.output),
      encode(step.error),
      step.startedAt,
      step.finishedAt,
    );
  const runOf = (c: RunColumns): WorkflowRunRow => ({
    id: c.id,
    workflow: c.workflow,
    version: c.version,
    definition: JSON.parse(c.definition),
    status: c.status as WorkflowRunRow["status"],
    input: decode(c.input),
    output: decode(c.output),
    error: decode(c.error) as WorkflowRunRow["error"],
    startedAt: c.started_at,
    finishedAt: c.finished_at,
    deadline: c.deadline,
    steps: stepsOf.all(c.id).map(stepOf),
  });
  const writeRun = db.transaction((r: WorkflowRunRow) => {
    putRun.run(
      r.id,
      r.workflow,
      r.version,
      JSON.stringify(r.definition),
      r.status,
      encode(r.input) ?? "null",
      encode(r.output),
      encode(r.error),
      r.startedAt,
      r.finishedAt,
      r.deadline,
    );
    for (const [position, step] of r.steps.entries()) writeStep(r.id, step, position);
  });
  return {
    definitions: {
      loadAll: async () =>
        db
          .query<{ name: string; version: number; definition: string; created_at: number; updated_at: number }, []>(
            "SELECT * FROM workflows ORDER BY name",
          )
          .all()
          .map(
            (c): WorkflowRow => ({
              name: c.name,
              version: c.version,
              definition: JSON.parse(c.definition),
              createdAt: c.created_at,
              updatedAt: c.updated_at,
            }),
          ),
      put: (r) =>
        write(() => void putDefinition.run(r.name, r.version, JSON.stringify(r.definition), r.createdAt, r.updatedAt)),
      delete: (name) => write(() => db.run("DELETE FROM workflows WHERE name = ?", [name]).changes > 0),
    },
    runs: {
      put: (run) => write(() => writeRun(run)),
      putStep: (runId, step) =>
        write(() => {
          const position = db
            .query<{ position: number }, [string, string]>(
              "SELECT position FROM workflow_run_steps WHERE run_id = ? AND step_id = ?",
            )
            .get(runId, step.id);
          if (position) writeStep(runId, step, position.position);
        }),
      get: async (id) => {
        const row = db.query<RunColumns, [string]>("SELECT * FROM workflow_runs WHERE id = ?").get(id);
        return row ? runOf(row) : undefined;
      },
      list: async (query) => {
        const filters: Filter[] = [];
        if (query.workflow !== undefined) filters.push(["workflow = ?", query.workflow]);
        if (query.status !== undefined) filters.push(["status = ?", query.status]);
        const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        const rows = newestFirstPage<RunColumns>(db, {
          select: "SELECT * FROM workflow_runs",
          time: "started_at",
          filters,
          after,
          limit: query.limit,
        }).map(runOf);
        return pageOf(rows, query.limit, (run) => ({ at: run.startedAt, id: run.id }));
      },
      loadUnfinished: async () =>
        db.query<RunColumns, []>("SELECT * FROM workflow_runs WHERE status = 'running'").all().map(runOf),
    },
  };
}
