import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configPath, loadConfigFile, resolveEndpoint } from "./config";
import { CliError } from "./errors";

const home = mkdtempSync(join(tmpdir(), "nanofaas-config-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const xdg = join(home, "xdg");
mkdirSync(join(xdg, "nanofaas"), { recursive: true });
writeFileSync(
  join(xdg, "nanofaas", "config.yaml"),
  "currentContext: dev\ncontexts:\n  dev: {endpoint: 'http://dev:8080/'}\n  prod: {endpoint: 'https://prod', namespace: nanofaas}\n  bare: {}\n",
);
const env = { XDG_CONFIG_HOME: xdg, HOME: home };

describe("configPath", () => {
  test("--config, else $XDG_CONFIG_HOME, else ~/.config", () => {
    expect(configPath("/x.yaml", env)).toBe("/x.yaml");
    expect(configPath(undefined, env)).toBe(join(xdg, "nanofaas/config.yaml"));
    expect(configPath(undefined, { HOME: "/h" })).toBe("/h/.config/nanofaas/config.yaml");
  });
});

describe("resolveEndpoint", () => {
  test.each([
    ["--endpoint first", { endpoint: "http://flag" }, { NANOFAAS_ENDPOINT: "http://env" }, "http://flag", "--endpoint"],
    ["NANOFAAS_ENDPOINT next", {}, { NANOFAAS_ENDPOINT: "http://env" }, "http://env", "NANOFAAS_ENDPOINT"],
    ["then the current context (trailing slash dropped)", {}, {}, "http://dev:8080", "context 'dev'"],
    ["--context picks another", { context: "prod" }, {}, "https://prod", "context 'prod'"],
    ["NANOFAAS_CONTEXT too", {}, { NANOFAAS_CONTEXT: "prod" }, "https://prod", "context 'prod'"],
    [
      "a context without endpoint falls back to the default",
      { context: "bare" },
      {},
      "http://localhost:8080",
      "default",
    ],
    ["no file: the default", { config: join(home, "none.yaml") }, {}, "http://localhost:8080", "default"],
  ])("%s", async (_, flags, extraEnv, endpoint, source) => {
    expect(await resolveEndpoint(flags, { ...env, ...extraEnv })).toEqual({ endpoint, source });
  });

  test.each([
    [{ context: "nope" }, "context 'nope' is not defined"],
    [{ endpoint: "localhost:8080" }, "invalid endpoint 'localhost:8080' (from --endpoint)"],
    [{ endpoint: "ftp://x" }, "only http and https"],
  ])("%j is a usage error", async (flags, message) => {
    const error = await resolveEndpoint(flags, env).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain(message);
  });
});

describe("loadConfigFile", () => {
  test("an empty file is an empty config; a malformed one names the file", async () => {
    writeFileSync(join(home, "empty.yaml"), "");
    expect(await loadConfigFile(join(home, "empty.yaml"))).toEqual({ contexts: {} });
    writeFileSync(join(home, "bad.yaml"), "contexts: [1]\n");
    expect((await loadConfigFile(join(home, "bad.yaml")).catch((e: Error) => e.message)) as string).toContain(
      "bad.yaml: 'contexts' must be a mapping",
    );
  });
});
