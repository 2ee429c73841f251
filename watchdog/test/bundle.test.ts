/**
 * The watchdog stays light (ARCHITECTURE: it imports only src/contracts and src/lib): bundle its
 * entry point and check what went in and what came out, as knative's nodeps test does.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { ROOT } from "./harness.ts";

const FORBIDDEN = ["hono", "@hono/zod-openapi", "zod", "@kubernetes/client-node", "pino", "prom-client"];

test("the bundle pulls in no package and nothing from src/ but contracts and lib", async () => {
  const result = await Bun.build({ entrypoints: [join(ROOT, "watchdog/src/main.ts")], target: "bun", metafile: true });
  expect(result.success).toBe(true);
  const inputs = Object.keys(result.metafile!.inputs);
  expect(inputs).toContain("watchdog/src/main.ts");
  expect(inputs.filter((path) => path.includes("node_modules"))).toEqual([]);
  expect(inputs.filter((path) => path.startsWith("src/") && !/^src\/(contracts|lib)\//.test(path))).toEqual([]);

  const output = await result.outputs[0]!.text();
  for (const name of FORBIDDEN) {
    expect({ name, imported: output.includes(`"${name}"`) || output.includes(`"${name}/`) }).toEqual({
      name,
      imported: false,
    });
  }
  // A guard on the guard: the output check would see an import if there were one.
  expect(output).toContain(`import("bun:ffi")`);
});
