import { executionListContract } from "../execution-list.contract";
import type { ExecutionRow } from "../state-store";
import { listExecutionRows } from "./execution-list";

executionListContract("memory", async () => {
  const rows = new Map<string, ExecutionRow>();
  return {
    put: async (added) => {
      for (const row of added) rows.set(row.id, row);
    },
    list: async (query) => listExecutionRows(rows.values(), query),
    close: async () => {},
  };
});
