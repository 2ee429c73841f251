/**
 * The contract suite against the Python runtime (`python3 runtimes/python/run.py <handler>`).
 */
import { runContractSuite } from "./suite.ts";
import { spawnPod } from "./process-pod.ts";

runContractSuite("python runtime", (env) =>
  spawnPod({ cmd: ["python3", "runtimes/python/run.py", "runtimes/contract/handlers/contract_handler.py"], env }),
);
