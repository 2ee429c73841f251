import { expect, test } from "bun:test";
import { join } from "node:path";

const script = join(import.meta.dir, "upper.py");

async function run(stdin: string) {
  const proc = Bun.spawn(["python3", script], {
    stdin: new TextEncoder().encode(stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, code };
}

test.each([
  ['{"input":"hello","metadata":{}}', "HELLO"],
  ['{"input":{"greeting":"hi","list":["a",1,null,{"k":"v"}]}}', { greeting: "HI", list: ["A", 1, null, { k: "V" }] }],
  ['{"input":"straße"}', "STRASSE"],
  ['{"metadata":{"k":"v"}}', null],
])("upper-cases every string of %s", async (stdin, expected) => {
  const { stdout, code } = await run(stdin);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toEqual(expected);
});

test.each(["not json", "[1]"])("exits 1 with a reason on stderr for stdin %j", async (stdin) => {
  const { stdout, stderr, code } = await run(stdin);
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr).toContain("stdin");
});
