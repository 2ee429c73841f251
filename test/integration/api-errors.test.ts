/**
 * Errors that say what to do (issue 14.6): human validation wording, the `{"input": …}` wrapper
 * hint on both invoke paths (the fast path hands such bodies to the app), and a 409 that says how
 * to replace a function.
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const setup = async () => {
  const cp = testControlPlane();
  await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
  return cp;
};
const call = (cp: Awaited<ReturnType<typeof setup>>, path: string, init: RequestInit) =>
  cp.fetch(new Request(`http://localhost${path}`, init));

describe("errors that help", () => {
  test("a registration without a name → 400 'name is required'", async () => {
    const cp = await setup();
    const res = await call(cp, "/v1/functions", jsonRequest("POST", { executionMode: "LOCAL" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "VALIDATION_ERROR",
      message: "name is required",
      details: ["name: is required"],
    });
  });

  test("wrong types and bounds are worded for people, not as zod's type errors", async () => {
    const cp = await setup();
    const res = await call(
      cp,
      "/v1/functions",
      jsonRequest("POST", { name: "x", executionMode: "NOPE", timeoutMs: 0 }),
    );
    const body = (await res.json()) as { message: string; details: string[] };
    expect(body.details.sort()).toEqual([
      "executionMode: must be one of LOCAL, POOL, DEPLOYMENT, REMOTE",
      "timeoutMs: must be at least 1",
    ]);
    expect(body.message).not.toContain("Invalid");
  });

  for (const verb of ["invoke", "enqueue"]) {
    test(`:${verb} with the input not wrapped → 400 saying to wrap it, with the body as the example`, async () => {
      const cp = await setup();
      const res = await call(cp, `/v1/functions/echo:${verb}`, jsonRequest("POST", { text: "hi" }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe(
        'input is required — the body must wrap the function\'s input in an "input" field: {"input": {"text":"hi"}}',
      );
    });
  }

  test(":invoke with a bare JSON value → 400 showing it wrapped", async () => {
    const cp = await setup();
    const res = await call(cp, "/v1/functions/echo:invoke", jsonRequest("POST", "42"));
    expect(((await res.json()) as { message: string }).message).toBe(
      'the body must be a JSON object, got number — the body must wrap the function\'s input in an "input" field: {"input": 42}',
    );
  });

  test("a duplicate registration → 409 that says how to replace the function", async () => {
    const cp = await setup();
    const res = await call(cp, "/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "CONFLICT",
      message:
        "Function 'echo' already exists. To change it, update it in place (PUT /v1/functions/echo: a new version) or run `nanofaas fn apply -f <spec>`, which does that",
    });
  });
});
