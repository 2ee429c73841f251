/**
 * @module
 * Functions declared in files (`NANOFAAS_FUNCTIONS_DIR`) and registered at start-up, so that
 * `npm start` comes up with the examples already running. A path is one file or a directory of
 * `*.yaml`, `*.yml` and `*.json` files (not recursive, dotfiles skipped); a file holds one spec or
 * a list of specs (YAML may also hold several `---` documents). Each spec is the wire
 * `FunctionSpec`, plus one rule the API cannot have: unknown top-level keys are rejected, because
 * in a hand-written file they are almost always typos (`timeoutMS`) that would otherwise be
 * ignored silently. Every problem in every file is reported at once.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { NanofaasError } from "../domain/errors";
import { FunctionSpec } from "../domain/function-spec";
import type { ResolvedFunction } from "../domain/resolved-function";
import type { FunctionService } from "./function-service";

export interface DeclaredFunction {
  /** The file the spec came from, as a path built from the one given. */
  file: string;
  spec: FunctionSpec;
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);
const StrictFunctionSpec = FunctionSpec.strict();

/** One or more invalid spec files; `problems` has one line per invalid field, each naming its file. */
export class FunctionSpecFileError extends Error {
  override readonly name = "FunctionSpecFileError";
  constructor(readonly problems: string[]) {
    super(`invalid function specs:\n  ${problems.join("\n  ")}`);
  }
}

/** Reads and validates every spec under `path`, in file-name order. Throws FunctionSpecFileError. */
export async function loadFunctionSpecs(path: string): Promise<DeclaredFunction[]> {
  const problems: string[] = [];
  const declared: DeclaredFunction[] = [];
  for (const file of await specFiles(path)) {
    const values = await readValues(file, problems);
    values.forEach((value, index) => {
      const label = values.length > 1 ? `spec #${index + 1}` : "spec";
      const parsed = StrictFunctionSpec.safeParse(value);
      if (parsed.success) declared.push({ file, spec: parsed.data });
      else problems.push(...describeIssues(file, label, value, parsed.error.issues));
    });
  }
  problems.push(...duplicateNames(declared));
  if (problems.length > 0) throw new FunctionSpecFileError(problems);
  return declared;
}

/** The spec files `path` names: itself, or its matching entries sorted by name (code-unit order). */
async function specFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new FunctionSpecFileError([
      `${path}: ${error.code === "ENOENT" ? "no such file or directory" : error.message}`,
    ]);
  });
  if (info.isFile()) {
    if (!EXTENSIONS.has(extname(path).toLowerCase())) {
      throw new FunctionSpecFileError([`${path}: unsupported file type (expected .yaml, .yml or .json)`]);
    }
    return [path];
  }
  const names = (await readdir(path)).filter(
    (name) => !name.startsWith(".") && EXTENSIONS.has(extname(name).toLowerCase()),
  );
  const files: string[] = [];
  for (const name of names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    // stat (not the dirent) so that a symlink to a file counts and a directory named x.yaml does not.
    if ((await stat(join(path, name))).isFile()) files.push(join(path, name));
  }
  return files;
}

/** The spec candidates in one file (a list is flattened); syntax errors go to `problems`. */
async function readValues(file: string, problems: string[]): Promise<unknown[]> {
  const text = await readFile(file, "utf8");
  let documents: unknown[];
  if (extname(file).toLowerCase() === ".json") {
    try {
      documents = [JSON.parse(text)];
    } catch (error) {
      problems.push(`${file}: invalid JSON: ${(error as Error).message}`);
      return [];
    }
  } else {
    const parsed = parseAllDocuments(text);
    const docs = Array.isArray(parsed) ? parsed : [];
    const errors = docs.flatMap((doc) => doc.errors);
    if (errors.length > 0) {
      // First line only: "… at line 2, column 1:" followed by a source excerpt we do not need.
      problems.push(
        ...errors.map((error) => `${file}: invalid YAML: ${error.message.split("\n")[0]!.replace(/:$/, "")}`),
      );
      return [];
    }
    documents = docs.map((doc) => doc.toJS());
  }
  const values: unknown[] = [];
  for (const document of documents) {
    // An empty document (a file of comments, a trailing `---`) declares nothing.
    if (document === null || document === undefined) continue;
    if (Array.isArray(document)) values.push(...document);
    else values.push(document);
  }
  return values;
}

/** The parts of a zod issue we report. */
interface Issue {
  code?: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function describeIssues(file: string, label: string, value: unknown, issues: readonly Issue[]): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${file}: ${label}: expected a function spec (a mapping of fields), got ${JSON.stringify(value)}`];
  }
  const name = (value as { name?: unknown }).name;
  const where = `${file}: ${label}${typeof name === "string" ? ` '${name}'` : ""}`;
  return issues.flatMap((issue) => {
    const prefix = issue.path.map(String).join(".");
    // One line per unknown key, named like any other field, instead of zod's single summary line.
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => `${where}: ${prefix ? `${prefix}.` : ""}${key}: unknown field`);
    }
    return [`${where}: ${prefix || "(spec)"}: ${issue.message}`];
  });
}

function duplicateNames(declared: DeclaredFunction[]): string[] {
  const firstFile = new Map<string, string>();
  const problems: string[] = [];
  for (const { file, spec } of declared) {
    const earlier = firstFile.get(spec.name);
    if (earlier === undefined) firstFile.set(spec.name, file);
    else problems.push(`${file}: function '${spec.name}' is also declared in ${earlier}`);
  }
  return problems;
}

export interface DeclarativeRegistration {
  registered: string[];
  /** Already registered (409): left untouched. */
  existing: string[];
  /** Could not be registered because their program is not on this machine's PATH (e.g. python3). */
  skipped: string[];
}

/** The bare program name a spec runs (`python3`), if it names one; paths are not looked up. */
function programOf(spec: FunctionSpec): string | undefined {
  const program = spec.command?.[0] ?? spec.runtimeCommand?.trim().split(/\s+/)[0];
  return program && !program.includes("/") ? program : undefined;
}

export interface DeclarativeOptions {
  /**
   * The backend runs a spec's program on this host (the process backend): a spec whose program is
   * not on PATH is skipped instead of registered (it could never run), one log line per program.
   */
  hostPrograms?: boolean;
}

/**
 * Registers every spec under `path` in file-name order, logging each. A function that already
 * exists (CONFLICT) is kept as it is; with `hostPrograms`, one whose program is missing here (the
 * Python examples without python3) is skipped so the rest still start. Any other failure stops
 * start-up with an error naming the file and the function.
 */
export async function registerDeclarativeFunctions(
  functions: FunctionService,
  path: string,
  log: (msg: string) => void,
  options: DeclarativeOptions = {},
): Promise<DeclarativeRegistration> {
  const declared = await loadFunctionSpecs(path);
  if (declared.length === 0) log(`no function specs found in ${path}`);
  const result: DeclarativeRegistration = { registered: [], existing: [], skipped: [] };
  const missingPrograms = new Map<string, string[]>();
  for (const { file, spec } of declared) {
    const program = options.hostPrograms ? programOf(spec) : undefined;
    if (program && Bun.which(program) === null) {
      result.skipped.push(spec.name);
      missingPrograms.set(program, [...(missingPrograms.get(program) ?? []), spec.name]);
      continue;
    }
    try {
      // "declared": an operator wrote this spec, so the process backend may run its command.
      const fn = await functions.register(spec, "declared");
      result.registered.push(fn.name);
      log(`registered function '${fn.name}' from ${file}: ${summary(fn)}`);
    } catch (error) {
      if (error instanceof NanofaasError && error.code === "CONFLICT") {
        result.existing.push(spec.name);
        log(`function '${spec.name}' from ${file} already exists; left as it is`);
        continue;
      }
      const details = error instanceof NanofaasError && error.details?.length ? ` (${error.details.join("; ")})` : "";
      throw new Error(
        `could not register function '${spec.name}' from ${file}: ${(error as Error).message}${details}`,
        { cause: error },
      );
    }
  }
  for (const [program, names] of missingPrograms) {
    log(
      `skipped ${names.map((n) => `'${n}'`).join(", ")}: '${program}' is not on PATH (install it and restart to run them)`,
    );
  }
  return result;
}

function summary(fn: ResolvedFunction): string {
  const parts: string[] = [fn.effectiveExecutionMode];
  if (fn.deploymentBackend) parts.push(`backend ${fn.deploymentBackend}`);
  if (fn.endpointUrl) parts.push(fn.endpointUrl);
  if (fn.degradationReason) parts.push(`degraded: ${fn.degradationReason}`);
  return parts.join(", ");
}
