/**
 * The contract suite against the Bun runtime started from source (`bun runtimes/bun/src/main.ts`).
 */
import { runContractSuite } from "./suite.ts";
import { spawnPod } from "./process-pod.ts";

runContractSuite("bun runtime", (env) =>
  spawnPod({ cmd: [process.execPath, "runtimes/bun/src/main.ts", "runtimes/contract/handlers/contract.ts"], env }),
);
