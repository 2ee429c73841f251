/**
 * The contract suite against the watchdog in warm STDIO mode, running the contract handler as a
 * per-invocation child (`handlers/contract_stdio.py`). A STDIO child cannot carry typed error
 * codes or the pod's logger, and warm mode sends no callbacks. Runs the watchdog from source.
 */
import { spawnPod } from "./process-pod.ts";
import { runContractSuite } from "./suite.ts";

// A fresh interpreter per invocation: resolve the real one once (a pyenv shim is a bash script
// that costs ~100 ms a call) and skip `site` (-S); the child needs only the standard library.
const probe = Bun.spawnSync(["python3", "-c", "import sys; print(sys.executable)"]);
const python = probe.stdout.toString().trim() || "python3";

runContractSuite(
  "watchdog (warm, STDIO child)",
  (env) =>
    spawnPod({
      cmd: [process.execPath, "watchdog/src/main.ts"],
      env: {
        EXECUTION_MODE: "STDIO",
        WARM: "true",
        WATCHDOG_CMD: `${python} -S runtimes/contract/handlers/contract_stdio.py`,
        ...env,
      },
    }),
  {
    handlerErrorCode: "FUNCTION_ERROR",
    callbacks: false,
    contextLogger: false,
    // The watchdog serves id-less requests under a generated id (watchdog/src/request.ts).
    missingExecutionId: "generate",
  },
);
