/**
 * The restart done-when of issue 23 on PostgreSQL (schema v4): test/support/workflow-crash-scenario.ts
 * with NANOFAAS_STORE=postgres on a real server (PostgreSQL tier, just test-postgres / just test-tools).
 */
import { workflowCrashTest } from "../support/workflow-crash-scenario";
import { usePostgresServer } from "../support/postgres-server";

const server = usePostgresServer();

workflowCrashTest("PostgreSQL database", async () => ({
  NANOFAAS_STORE: "postgres",
  NANOFAAS_DATABASE_URL: await server().createDatabase("workflow_crash"),
}));
