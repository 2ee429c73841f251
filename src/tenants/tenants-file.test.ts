import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_TENANTS_FILE_BYTES, parseTenantsFile, readTenantsFile, TenantsFileError } from "./tenants-file";

const dir = mkdtempSync(join(tmpdir(), "nf-tenants-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("reads tenants with their quotas", async () => {
  const path = join(dir, "ok.yaml");
  writeFileSync(
    path,
    "tenants:\n  - name: team-a\n    quotas: {maxFunctions: 5, maxRequestsPerSecond: 20}\n  - name: team-b\n",
  );
  expect(await readTenantsFile(path)).toEqual([
    { name: "team-a", quotas: { maxFunctions: 5, maxRequestsPerSecond: 20 } },
    { name: "team-b" },
  ]);
});

test.each([
  ["not: a list", "needs a 'tenants:' list"],
  ["tenants: [", "is not valid YAML"],
  ["tenants:\n  - name: a/b\n", "tenants[0] (a/b).name: must start with a letter"],
  ["tenants:\n  - name: a\n    quotas: {maxQueued: 0}\n", "tenants[0] (a).quotas.maxQueued: must be at least 1"],
  ["tenants:\n  - name: a\n    quotas: {maxQueud: 3}\n", "tenants[0] (a).quotas: Unrecognized key"],
  ["tenants:\n  - name: a\n  - name: a\n", "tenants[1] (a): duplicate name 'a'"],
  ["tenants:\n  - 3\n", "tenants[0]:"],
])("%j is refused: %s", async (text, message) => {
  const error = await parseTenantsFile(text, "t.yaml").catch((e) => e);
  expect(error).toBeInstanceOf(TenantsFileError);
  expect(error.message).toStartWith("NANOFAAS_TENANTS_FILE: t.yaml: ");
  expect(error.message).toContain(message);
});

test("every problem is reported at once", async () => {
  const error = await parseTenantsFile(
    "tenants:\n  - name: ''\n  - name: b\n    quotas: {maxJobs: 0}\n",
    "t.yaml",
  ).catch((e) => e);
  expect(error.message).toContain("tenants[0]");
  expect(error.message).toContain("tenants[1] (b).quotas.maxJobs");
});

test("a file over 1 MiB is refused before it is parsed", async () => {
  const path = join(dir, "big.yaml");
  writeFileSync(path, `tenants: []\n#${"x".repeat(MAX_TENANTS_FILE_BYTES)}\n`);
  expect((await readTenantsFile(path).catch((e) => e)).message).toContain("the limit is 1048576");
});

test("a missing file and a directory are clear errors", async () => {
  expect((await readTenantsFile(join(dir, "nope.yaml")).catch((e) => e)).message).toContain("cannot read (ENOENT)");
  expect((await readTenantsFile(dir).catch((e) => e)).message).toContain("is not a regular file");
});

test("an alias bomb is refused, not expanded", async () => {
  const bomb = [
    "a: &a [x, x, x, x, x, x, x, x, x, x]",
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
    "tenants: [*d]",
  ].join("\n");
  expect(await parseTenantsFile(bomb, "t.yaml").catch((e) => e)).toBeInstanceOf(TenantsFileError);
});
