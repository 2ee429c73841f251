import { expect, test } from "bun:test";
import { loadConfig } from "../config/config";
import { resolveFunction } from "../domain/resolved-function";
import { createLogger } from "../observability/logger";
import { createDeployer } from "./create-deployer";

test("backends log through the control plane's logger, with a component", async () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  const deployer = (await createDeployer("process", loadConfig({ SERVER_PORT: "18081" }), logger))!;
  const fn = resolveFunction(
    { name: "ghost", command: ["sh", "-c", "echo hello-from-replica; exit 3"], scalingConfig: { minReplicas: 1 } },
    { timeoutMs: 1000, concurrency: 1, queueSize: 1, maxRetries: 1 },
  );
  await deployer.provision(fn);
  for (let i = 0; i < 100 && !lines.some((l) => String(l.msg).includes("exited with code 3")); i++) await Bun.sleep(10);
  await deployer.close();
  expect(lines.find((l) => String(l.msg).includes("[fn/ghost#0] hello-from-replica"))).toMatchObject({
    level: "info",
    component: "process-backend",
  });
});
