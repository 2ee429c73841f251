import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FunctionSpecFileError, loadFunctionSpecs, registerDeclarativeFunctions } from "./declarative-functions";
import { createInMemoryFunctionRegistry } from "./function-registry";
import { createFunctionService, type FunctionService } from "./function-service";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nanofaas-specs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = async (name: string, text: string) => {
  await writeFile(join(dir, name), text);
  return join(dir, name);
};

/** The FunctionSpecFileError's problem lines, paths shown relative to the temp dir. */
async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof FunctionSpecFileError)) throw new Error(`expected a FunctionSpecFileError, got ${error}`);
  return error.problems.map((line) => line.replaceAll(`${dir}/`, ""));
}

describe("loadFunctionSpecs", () => {
  test("reads one YAML file", async () => {
    const file = await write("echo.yaml", "# comment\nname: echo\nexecutionMode: LOCAL\ntimeoutMs: 1500\n");
    expect(await loadFunctionSpecs(file)).toEqual([
      { file, spec: { name: "echo", executionMode: "LOCAL", timeoutMs: 1500 } },
    ]);
  });

  test("reads .yaml, .yml and .json of a directory in file-name order, skipping everything else", async () => {
    await write("b.yml", "name: b\n");
    await write("a.json", JSON.stringify({ name: "a" }));
    await write("C.yaml", "name: c\n");
    await write("README.md", "name: not-a-spec\n");
    await write(".editor-lock.yaml", "garbage: [");
    await mkdir(join(dir, "nested.yaml"));
    await writeFile(join(dir, "nested.yaml", "d.yaml"), "name: d\n");
    await symlink(join(dir, "nested.yaml", "d.yaml"), join(dir, "e-link.yaml"));
    const loaded = await loadFunctionSpecs(dir);
    // Code-unit order: upper case sorts before lower case, whatever the locale.
    expect(loaded.map(({ file }) => file.slice(dir.length + 1))).toEqual(["C.yaml", "a.json", "b.yml", "e-link.yaml"]);
    expect(loaded.map(({ spec }) => spec.name)).toEqual(["c", "a", "b", "d"]);
  });

  test("a file may hold a list, and YAML several documents", async () => {
    await write("list.json", JSON.stringify([{ name: "one" }, { name: "two" }]));
    await write("multi.yaml", "name: three\n---\n- name: four\n- name: five\n---\n# nothing here\n");
    expect((await loadFunctionSpecs(dir)).map(({ spec }) => spec.name)).toEqual([
      "one",
      "two",
      "three",
      "four",
      "five",
    ]);
  });

  test("a file of comments only declares nothing", async () => {
    await write("empty.yaml", "# to be written\n");
    expect(await loadFunctionSpecs(dir)).toEqual([]);
  });

  test("an empty directory declares nothing", async () => {
    expect(await loadFunctionSpecs(dir)).toEqual([]);
  });

  test("names the file and every invalid field, across all files at once", async () => {
    await write("a.yaml", "name: _Bad_Name\ntimeoutMs: 0\ncommand: [1]\n");
    await write(
      "b.json",
      JSON.stringify([{ name: "ok" }, { name: "worse", concurrency: "many", executionMode: "SOMEWHERE" }]),
    );
    const problems = await problemsOf(loadFunctionSpecs(dir));
    expect(problems).toHaveLength(5);
    expect(problems[0]).toStartWith("a.yaml: spec '_Bad_Name': name: must start with a letter");
    expect(problems[1]).toStartWith("a.yaml: spec '_Bad_Name': command.0: ");
    expect(problems[2]).toStartWith("a.yaml: spec '_Bad_Name': timeoutMs: ");
    expect(problems.slice(3).map((p) => p.split(": ").slice(0, 3).join(": "))).toEqual([
      "b.json: spec #2 'worse': concurrency",
      "b.json: spec #2 'worse': executionMode",
    ]);
  });

  test("rejects unknown fields, which in a hand-written file are typos", async () => {
    await write("typo.yaml", "name: typo\ntimeoutMS: 100\nscalingConfig:\n  minReplicas: 0\n");
    expect(await problemsOf(loadFunctionSpecs(dir))).toEqual(["typo.yaml: spec 'typo': timeoutMS: unknown field"]);
  });

  test.each([
    ["broken.yaml", "name: [unclosed\n", /^broken\.yaml: invalid YAML: .* at line \d+, column \d+$/],
    ["broken.json", '{"name": ', /^broken\.json: invalid JSON: /],
    [
      "scalar.yaml",
      "just a string\n",
      /^scalar\.yaml: spec: expected a function spec \(a mapping of fields\), got "just a string"$/,
    ],
  ])("reports %s with its file name", async (name, text, pattern) => {
    await write(name, text);
    const problems = await problemsOf(loadFunctionSpecs(dir));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  test("the same name twice is an error naming both files", async () => {
    await write("a.yaml", "name: twin\n");
    await write("b.yaml", "name: twin\n");
    expect(await problemsOf(loadFunctionSpecs(dir))).toEqual(["b.yaml: function 'twin' is also declared in a.yaml"]);
  });

  test("a missing path and an unsupported file type are named", async () => {
    expect(await problemsOf(loadFunctionSpecs(join(dir, "nope")))).toEqual(["nope: no such file or directory"]);
    const notes = await write("notes.txt", "name: x\n");
    expect(await problemsOf(loadFunctionSpecs(notes))).toEqual([
      "notes.txt: unsupported file type (expected .yaml, .yml or .json)",
    ]);
  });

  test("the repository's example specs load", async () => {
    const loaded = await loadFunctionSpecs(join(import.meta.dir, "../../examples/functions"));
    expect(loaded.length).toBeGreaterThan(0);
    for (const { file, spec } of loaded) expect(file).toEndWith(`/${spec.name}.yaml`);
  });
});

describe("registerDeclarativeFunctions", () => {
  const service = (): FunctionService =>
    createFunctionService({
      registry: createInMemoryFunctionRegistry(),
      defaults: { timeoutMs: 30_000, concurrency: 4, queueSize: 100, maxRetries: 3 },
    });

  test("registers in file-name order and reports each", async () => {
    await write("2-second.yaml", "name: second\nexecutionMode: LOCAL\n");
    await write("1-first.yaml", "name: first\nexecutionMode: POOL\nendpointUrl: http://127.0.0.1:9/invoke\n");
    const functions = service();
    const log: string[] = [];
    const result = await registerDeclarativeFunctions(functions, dir, (line) =>
      log.push(line.replaceAll(`${dir}/`, "")),
    );
    expect(result).toEqual({ registered: ["first", "second"], existing: [], skipped: [] });
    expect(
      functions
        .list()
        .map((fn) => fn.name)
        .sort(),
    ).toEqual(["first", "second"]);
    expect(log).toEqual([
      "registered function 'first' from 1-first.yaml: POOL, http://127.0.0.1:9/invoke",
      "registered function 'second' from 2-second.yaml: LOCAL",
    ]);
  });

  test("a function that already exists (409) is left as it is", async () => {
    await write("a.yaml", "name: kept\nexecutionMode: LOCAL\ntimeoutMs: 999\n");
    await write("b.yaml", "name: added\nexecutionMode: LOCAL\n");
    const functions = service();
    await functions.register({ name: "kept", executionMode: "LOCAL", timeoutMs: 1 });
    const log: string[] = [];
    const result = await registerDeclarativeFunctions(functions, dir, (line) =>
      log.push(line.replaceAll(`${dir}/`, "")),
    );
    expect(result).toEqual({ registered: ["added"], existing: ["kept"], skipped: [] });
    expect(functions.get("kept")?.timeoutMs).toBe(1);
    expect(log[0]).toBe("function 'kept' from a.yaml already exists; left as it is");
  });

  test("any other failure is fatal and names the file and the function", async () => {
    await write("a.yaml", "name: deployed\n"); // DEPLOYMENT, and this service has no backend
    await write("b.yaml", "name: later\nexecutionMode: LOCAL\n");
    const functions = service();
    const error = await registerDeclarativeFunctions(functions, dir, () => {}).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message.replaceAll(`${dir}/`, "")).toBe(
      "could not register function 'deployed' from a.yaml: Function 'deployed' cannot run as DEPLOYMENT here (executionMode: No managed deployment provider available for function 'deployed' (NANOFAAS_DEPLOYMENT_BACKEND=none); executionMode: POOL, LOCAL would work (POOL with an http(s) endpointUrl; LOCAL echoes))",
    );
    expect(functions.list()).toEqual([]);
  });

  test("hostPrograms: functions whose program is not on PATH are skipped, one line per program; the rest register", async () => {
    const program = "nanofaas-test-no-such-program";
    await write("a.yaml", `name: py-a\nexecutionMode: DEPLOYMENT\ncommand: ["${program}", "a.py"]\n`);
    await write("b.yaml", `name: py-b\nexecutionMode: DEPLOYMENT\nruntimeCommand: "${program} b.py"\n`);
    await write("c.yaml", "name: local\nexecutionMode: LOCAL\n");
    const functions = service();
    const log: string[] = [];
    const result = await registerDeclarativeFunctions(
      functions,
      dir,
      (line) => log.push(line.replaceAll(`${dir}/`, "")),
      { hostPrograms: true },
    );
    expect(result).toEqual({ registered: ["local"], existing: [], skipped: ["py-a", "py-b"] });
    expect(log.filter((l) => l.startsWith("skipped"))).toEqual([
      `skipped 'py-a', 'py-b': '${program}' is not on PATH (install it and restart to run them)`,
    ]);
    expect(functions.list().map((f) => f.name)).toEqual(["local"]);
  });

  test("an empty directory is reported, not an error", async () => {
    const log: string[] = [];
    expect(await registerDeclarativeFunctions(service(), dir, (line) => log.push(line))).toEqual({
      registered: [],
      existing: [],
      skipped: [],
    });
    expect(log).toEqual([`no function specs found in ${dir}`]);
  });
});
