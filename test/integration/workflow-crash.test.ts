/**
 * The restart done-when of issue 23 on SQLite: test/support/workflow-crash-scenario.ts (a workflow
 * a → b → c, the control plane SIGKILLed while b runs, restarted on the same data directory).
 */
import { join } from "node:path";
import { workflowCrashTest } from "../support/workflow-crash-scenario";

workflowCrashTest("SQLite file", async (dir) => ({ NANOFAAS_STORE: "sqlite", NANOFAAS_DATA_DIR: join(dir, "data") }));
