/**
 * @module
 * Workflow definitions and runs on PostgreSQL (issue 23, schema v4). Every write is committed
 * before it resolves, like the triggers' rows: a run is durable before `:run` answers and a step's
 * end before the next step starts, which is what resuming after a restart relies on. A run's start
 * and end write the run and all its steps in one transaction; a step transition is one statement.
 */
import { decodeCursor, pageOf } from "../cursor";
import type { WorkflowRow, WorkflowRows, WorkflowRunRow, WorkflowStepRow } from "../workflow-rows";
import { type Database, fromJsonText, type Sql, toJsonText } from "./database";
import { presenceKey } from "./presence";

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
// undefined (an absent output) is stored as SQL NULL, as SQLite does
const json = (value: unknown) => toJsonText(value === undefined ? null : value);

const stepColumns = (runId: string, step: WorkflowStepRow, position: number) => ({
  run_id: runId,
  step_id: step.id,
  position,
  status: step.status,
  execution_id: step.executionId,
  attempts: step.attempts,
  input: json(step.input),
  output: json(step.output),
  error: json(step.error),
  started_at: step.startedAt,
  finished_at: step.finishedAt,
});

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const stepFromDb = (r: any): WorkflowStepRow => ({
  id: r.step_id,
  status: r.status,
  executionId: r.execution_id,
  attempts: Number(r.attempts),
  input: fromJsonText(r.input),
  output: fromJsonText(r.output),
  error: fromJsonText(r.error) as WorkflowStepRow["error"],
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
});

// biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
const runFromDb = (r: any, steps: WorkflowStepRow[]): WorkflowRunRow => ({
  id: r.id,
  workflow: r.workflow,
  version: Number(r.version),
  definition: fromJsonText(r.definition),
  status: r.status,
  input: fromJsonText(r.input),
  output: fromJsonText(r.output),
  error: fromJsonText(r.error) as WorkflowRunRow["error"],
  startedAt: Number(r.started_at),
  finishedAt: num(r.finished_at),
  deadline: num(r.deadline),
  steps,
});

/** The runs of `rows` with their steps: one query for all the steps, not one per run. */
// biome-ignore lint/suspicious/noExplicitAny: database rows, shaped by the schema
async function withSteps(sql: Sql, rows: any[]): Promise<WorkflowRunRow[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id as string);
  const steps = await sql`SELECT * FROM workflow_run_steps WHERE run_id IN ${sql(ids)} ORDER BY run_id, position`;
  const byRun = new Map<string, WorkflowStepRow[]>();
  for (const s of steps) {
    const list = byRun.get(s.run_id) ?? [];
    list.push(stepFromDb(s));
    byRun.set(s.run_id, list);
  }
  return rows.map((r) => runFromDb(r, byRun.get(r.id) ?? []));
}

/**
 * `owner`: this control plane's replica id, written into the runs it starts or claims (schema
 * v10); with it, `claimUnfinished` hands over only the runs of control planes that are gone.
 */
export function postgresWorkflows(db: Database, owner?: string): WorkflowRows {
  return {
    definitions: {
      loadAll: async () =>
        (await db.query((sql) => sql`SELECT * FROM workflows ORDER BY name`)).map(
          // biome-ignore lint/suspicious/noExplicitAny: a database row, shaped by the schema
          (r: any): WorkflowRow => ({
            name: r.name,
            version: Number(r.version),
            definition: fromJsonText(r.definition),
            createdAt: Number(r.created_at),
            updatedAt: Number(r.updated_at),
          }),
        ),
      put: async (r) => {
        const values = {
          name: r.name,
          version: r.version,
          definition: json(r.definition),
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        };
        await db.query(
          (sql) => sql`INSERT INTO workflows ${sql(values)} ON CONFLICT (name) DO UPDATE SET
            version = EXCLUDED.version, definition = EXCLUDED.definition,
            created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        );
      },
      delete: (name) => db.query(async (sql) => (await sql`DELETE FROM workflows WHERE name = ${name}`).count > 0),
    },
    runs: {
      put: (r) =>
        db.query((sql) =>
          sql.begin(async (tx) => {
            const run = {
              id: r.id,
              workflow: r.workflow,
              version: r.version,
              definition: json(r.definition),
              status: r.status,
              input: json(r.input) ?? "null",
              output: json(r.output),
              error: json(r.error),
              started_at: r.startedAt,
              finished_at: r.finishedAt,
              deadline: r.deadline,
              owner: owner ?? null,
            };
            await tx`INSERT INTO workflow_runs ${tx(run)} ON CONFLICT (id) DO UPDATE SET
              workflow = EXCLUDED.workflow, version = EXCLUDED.version, definition = EXCLUDED.definition,
              status = EXCLUDED.status, input = EXCLUDED.input, output = EXCLUDED.output, error = EXCLUDED.error,
              started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at, deadline = EXCLUDED.deadline,
              owner = EXCLUDED.owner`;
            if (r.steps.length === 0) return;
            const steps = r.steps.map((step, position) => stepColumns(r.id, step, position));
            await tx`INSERT INTO workflow_run_steps ${tx(steps)} ON CONFLICT (run_id, step_id) DO UPDATE SET
              position = EXCLUDED.position, status = EXCLUDED.status, execution_id = EXCLUDED.execution_id,
              attempts = EXCLUDED.attempts, input = EXCLUDED.input, output = EXCLUDED.output, error = EXCLUDED.error,
              started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at`;
          }),
        ),
      // A step of a run that was never put changes nothing (as SQLite): the run's put writes all its steps.
      putStep: async (runId, step) => {
        const c = stepColumns(runId, step, 0);
        await db.query(
          (sql) => sql`UPDATE workflow_run_steps SET status = ${c.status}, execution_id = ${c.execution_id},
            attempts = ${c.attempts}, input = ${c.input}, output = ${c.output}, error = ${c.error},
            started_at = ${c.started_at}, finished_at = ${c.finished_at}
            WHERE run_id = ${runId} AND step_id = ${step.id}`,
        );
      },
      get: (id) =>
        db.query(async (sql) => (await withSteps(sql, await sql`SELECT * FROM workflow_runs WHERE id = ${id}`))[0]),
      list: async (query) => {
        const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
        const runs = await db.query(async (sql) =>
          withSteps(
            sql,
            await sql`SELECT * FROM workflow_runs WHERE TRUE
              ${query.workflow === undefined ? sql`` : sql`AND workflow = ${query.workflow}`}
              ${query.status === undefined ? sql`` : sql`AND status = ${query.status}`}
              ${after === undefined ? sql`` : sql`AND (started_at, id) < (${after.at}, ${after.id})`}
              ORDER BY started_at DESC, id DESC LIMIT ${query.limit + 1}`,
          ),
        );
        return pageOf(runs, query.limit, (run) => ({ at: run.startedAt, id: run.id }));
      },
      loadUnfinished: () =>
        db.query(async (sql) =>
          withSteps(sql, await sql`SELECT * FROM workflow_runs WHERE status = 'running' ORDER BY started_at, id`),
        ),
      ...(owner === undefined ? {} : { claimUnfinished: () => claimRuns(db, owner) }),
    },
  };
}

/**
 * Takes over the running runs of control planes that are gone (as executions.ts does for
 * executions): an owner is gone when its presence lock is free, tried as a transaction-scoped lock
 * so two claimers take turns and the second finds the runs already moved. Runs without an owner
 * (written before schema v10) are claimed too.
 */
async function claimRuns(db: Database, me: string): Promise<WorkflowRunRow[]> {
  const owners: { owner: string | null }[] = await db.query(
    (sql) => sql`SELECT DISTINCT owner FROM workflow_runs WHERE status = 'running' AND owner IS DISTINCT FROM ${me}`,
  );
  const claimed: WorkflowRunRow[] = [];
  for (const { owner } of owners) {
    const rows = await db.query((sql) =>
      sql.begin(async (tx) => {
        if (owner !== null) {
          const [lock] = await tx`SELECT pg_try_advisory_xact_lock(hashtextextended(${presenceKey(owner)}, 0)) AS free`;
          if (!lock.free) return []; // that control plane is alive: its runs stay its own
        }
        return tx`UPDATE workflow_runs SET owner = ${me}
          WHERE owner IS NOT DISTINCT FROM ${owner} AND status = 'running' RETURNING *`;
      }),
    );
    claimed.push(...(await db.query((sql) => withSteps(sql, rows))));
  }
  return claimed.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
}
