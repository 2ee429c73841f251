/**
 * @module
 * The `memory` state store (NANOFAAS_STORE=memory): the StateStore contract over plain maps, for
 * tests and benchmarks. Writes "commit" at once and nothing survives the process (start-up says so).
 */
import type { ExecutionRow, FunctionRow, StateStore } from "../state-store";
import { createMemoryApiKeyRows } from "./apikeys";
import { createMemoryAuditRows } from "./audit";
import { createMemoryDeadLetterRows } from "./dlq";
import { listExecutionRows } from "./execution-list";
import { createMemoryTriggerRows } from "./trigger-rows";
import { createMemoryWorkflowRows } from "./workflow-rows";
import { createMemoryVersionRows } from "./version-rows";
import { createMemoryTenantRows } from "./tenant-rows";

const isUnfinished = (row: ExecutionRow) => row.status === "queued" || row.status === "running";

export function createMemoryStore(): StateStore {
  const functions = new Map<string, FunctionRow>();
  const executions = new Map<string, ExecutionRow>();
  const keys = new Map<string, { function: string; key: string; executionId: string; expiresAt: number }>();
  return {
    kind: "memory",
    functions: {
      loadAll: async () => [...functions.values()].map((row) => ({ ...row })),
      put: async (row) => {
        const existing = functions.get(row.name);
        functions.set(row.name, { ...row, createdAt: existing?.createdAt ?? row.createdAt });
      },
      delete: async (name) => void functions.delete(name),
    },
    executions: {
      accept: async (row) => void executions.set(row.id, { ...row }),
      record: (row) => void executions.set(row.id, { ...row }),
      flush: async () => {},
      get: async (id) => {
        const row = executions.get(id);
        return row && { ...row };
      },
      list: async (query) => listExecutionRows(executions.values(), query),
      loadUnfinished: async () => [...executions.values()].filter(isUnfinished).map((row) => ({ ...row })),
      sweep: async (finishedBefore) => {
        let deleted = 0;
        for (const [id, row] of executions) {
          if (row.finishedAt !== null && row.finishedAt < finishedBefore) {
            executions.delete(id);
            deleted++;
          }
        }
        return deleted;
      },
    },
    idempotency: {
      loadLive: async (now) => [...keys.values()].filter((entry) => entry.expiresAt > now),
      publish: (fn, key, executionId, expiresAt) =>
        void keys.set(`${fn}\u0000${key}`, { function: fn, key, executionId, expiresAt }),
      forgetFunction: async (fn) => {
        for (const [k, entry] of keys) if (entry.function === fn) keys.delete(k);
      },
      sweep: async (now) => {
        for (const [k, entry] of keys) if (entry.expiresAt <= now) keys.delete(k);
      },
    },
    dlq: createMemoryDeadLetterRows(),
    apikeys: createMemoryApiKeyRows(),
    audit: createMemoryAuditRows(),
    triggers: createMemoryTriggerRows(),
    workflows: createMemoryWorkflowRows(),
    versions: createMemoryVersionRows(),
    tenants: createMemoryTenantRows(),
    healthy: () => true,
    close: async () => {},
  };
}
