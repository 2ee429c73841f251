import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "./errors";
import { readSpecFile, resolveCommand } from "./spec-file";

const dir = mkdtempSync(join(tmpdir(), "nanofaas-spec-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

describe("resolveCommand", () => {
  test.each([
    [
      ["bun", "./h.ts"],
      ["bun", "/fn/h.ts"],
    ],
    [
      ["python3", "../rt/run.py", "x.py"],
      ["python3", "/rt/run.py", "x.py"],
    ],
    [
      ["bin/pod", "--flag=./x"],
      ["/fn/bin/pod", "--flag=./x"],
    ],
    [
      ["/usr/bin/env", "./a"],
      ["/usr/bin/env", "/fn/a"],
    ],
  ])("%j → %j", (command, expected) => {
    expect(resolveCommand(command, "/fn")).toEqual(expected);
  });
});

describe("readSpecFile", () => {
  test("YAML with extensions: keeps FunctionSpec keys, resolves command paths against the file", async () => {
    const name = file("f.yaml", "name: f\nx-cli: {build: {}}\ncatalog: yes\ncommand: [bun, ./h.ts]\nimage: null\n");
    expect(await readSpecFile(name, dir)).toEqual({ name: "f", command: ["bun", join(dir, "h.ts")] });
  });

  test("JSON works too", async () => {
    expect(await readSpecFile(file("f.json", '{"name":"g","timeoutMs":5}'), dir)).toEqual({ name: "g", timeoutMs: 5 });
  });

  test.each([
    ["missing.yaml", undefined, "cannot read missing.yaml: ENOENT"],
    ["list.yaml", "- a\n", "expected a mapping"],
    ["noname.yaml", "image: x\n", "'name' is required"],
    ["broken.yaml", "name: [\n", "not valid YAML"],
  ])("%s is a usage error", async (name, text, message) => {
    if (text !== undefined) file(name, text);
    const error = await readSpecFile(name, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain(message);
  });
});
