import { workflowRowsContract } from "../workflow-rows.contract";
import { createMemoryWorkflowRows } from "./workflow-rows";

workflowRowsContract("memory", async () => ({ rows: createMemoryWorkflowRows(), close: async () => {} }));
