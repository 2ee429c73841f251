import { expect, test } from "bun:test";
import { scaffold } from "../scaffold/templates";
import { pathFrom } from "./init";

test.each([
  ["/repo/functions/hello", "/repo/runtimes", "../../runtimes"],
  ["/repo/hello", "/repo/runtimes", "../runtimes"],
  ["/repo", "/repo/runtimes", "./runtimes"],
  ["/tmp/hello", "/repo/runtimes", "/repo/runtimes"],
  ["/repository/hello", "/repo/runtimes", "/repo/runtimes"],
])("a function in %s refers to %s as %s", (dir, runtimes, expected) => {
  expect(pathFrom(dir, runtimes)).toBe(expected);
});

test("the spec's command starts with ./ or ../ so that fn apply resolves it against the spec", () => {
  for (const runtime of ["ts", "python"] as const) {
    const spec = scaffold({ name: "f", runtime, runtimesPath: "../runtimes" })["function.yaml"]!;
    expect(spec).toMatch(/^command: \["(bun|python3)", "\.\.\/runtimes\/[^"]+", "\.\/handler\.(ts|py)"\]$/m);
    expect(spec).toContain("executionMode: DEPLOYMENT");
  }
});
