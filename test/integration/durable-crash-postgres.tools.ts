/**
 * The done-when test of issue 17 on PostgreSQL: the scenario of test/support/crash-scenario.ts
 * (SIGKILL while 5 000 async invocations are accepted and run, restart on the same store) with
 * NANOFAAS_STORE=postgres on a real server (PostgreSQL tier, just test-postgres / just test-tools).
 */
import { SQL } from "bun";
import { describeCrashTest } from "../support/crash-scenario";
import { usePostgresServer } from "../support/postgres-server";

const server = usePostgresServer();
let url = "";

describeCrashTest({
  title: "PostgreSQL database",
  env: async () => {
    url = await server().createDatabase("crash");
    return { NANOFAAS_STORE: "postgres", NANOFAAS_DATABASE_URL: url };
  },
  rowsAtKill: async () => {
    const sql = new SQL(url, { max: 1 });
    try {
      return await sql`SELECT id, status FROM executions WHERE function = 'slow'`;
    } finally {
      await sql.close();
    }
  },
});
