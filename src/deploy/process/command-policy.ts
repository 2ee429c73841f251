/**
 * @module
 * What the process backend may run (issue 13.2). The API has no authentication yet, so a
 * registration must not become a shell for whoever can connect. A function runs only when:
 *   - its spec came from NANOFAAS_FUNCTIONS_DIR (an operator wrote it), or is exactly such a spec
 *     registered again through the API (same command, runtimeCommand and env); or
 *   - its program (`command[0]`, or the first word of `runtimeCommand`) is listed, as written, in
 *     NANOFAAS_PROCESS_ALLOWED_COMMANDS (`*` allows anything), and its `env` does not set a
 *     variable that changes what that program loads (PATH, LD_PRELOAD, NODE_OPTIONS…).
 * Everything else is 403 FORBIDDEN naming the setting — decided before anything touches the file
 * system, so the answer never says whether a file exists.
 */
import { NanofaasError } from "../../domain/errors";
import type { ResolvedFunction } from "../../domain/resolved-function";

export const ALLOWED_COMMANDS_SETTING = "NANOFAAS_PROCESS_ALLOWED_COMMANDS";

/**
 * Variables that make an allowed program load or run something else. A denylist cannot be
 * complete; it closes the well-known doors, and operators who need more declare the function.
 */
const LOADER_ENV =
  /^(LD_.*|DYLD_.*|PATH|NODE_OPTIONS|NODE_PATH|BUN_OPTIONS|BUN_.*PRELOAD.*|PYTHON(PATH|HOME|STARTUP|INSPECT|USERBASE)|PERL5(OPT|LIB)|RUBY(OPT|LIB)|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|IFS|GCONV_PATH)$/;

export interface CommandPolicy {
  /** Remembers a spec an operator declared: it (and an identical later registration) may run. */
  trust(fn: ResolvedFunction): void;
  /** Undefined when `fn` may run, else the 403 to answer. */
  refusal(fn: ResolvedFunction): NanofaasError | undefined;
}

export function createCommandPolicy(allowedPrograms: readonly string[]): CommandPolicy {
  const anything = allowedPrograms.includes("*");
  const programs = new Set(allowedPrograms);
  const declared = new Set<string>();
  return {
    trust: (fn) => void declared.add(launchKey(fn)),
    refusal(fn) {
      if (anything || declared.has(launchKey(fn))) return undefined;
      const { field, program } = programOf(fn);
      if (program === undefined) return undefined; // nothing to run: the backend says what is missing
      if (!programs.has(program)) {
        return forbidden(fn, `${field}: '${program}' is not an allowed program (${ALLOWED_COMMANDS_SETTING})`);
      }
      const loader = Object.keys(fn.env).find((key) => LOADER_ENV.test(key));
      if (loader !== undefined) {
        return forbidden(
          fn,
          `env.${loader}: changes what the program loads; not accepted through the API (declare the function in NANOFAAS_FUNCTIONS_DIR)`,
        );
      }
      return undefined;
    },
  };
}

function forbidden(fn: ResolvedFunction, detail: string): NanofaasError {
  return new NanofaasError(
    "FORBIDDEN",
    `Function '${fn.name}': the process backend runs only the specs of NANOFAAS_FUNCTIONS_DIR and the programs listed in ${ALLOWED_COMMANDS_SETTING}`,
    { details: [detail] },
  );
}

/** The program a function asks for and the field it came from. */
function programOf(fn: ResolvedFunction): { field: string; program: string | undefined } {
  if (fn.command.length > 0) return { field: "command", program: fn.command[0] };
  const first = fn.runtimeCommand?.trim().split(/\s+/)[0];
  return { field: "runtimeCommand", program: first === "" ? undefined : first };
}

/** Everything that decides what runs: the argv or runtimeCommand, and the environment. */
function launchKey(fn: ResolvedFunction): string {
  const env = Object.entries(fn.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([fn.command, fn.runtimeCommand ?? null, env]);
}
