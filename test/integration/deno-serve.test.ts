/**
 * Web standards, proven (issue 16.5): the app from `createApp(...)` served by `Deno.serve`
 * (test/deno/serve-app.ts, run by the `deno` devDependency), and the API smoke run against it over
 * real HTTP: register, invoke, enqueue, executions, errors. Nothing here is Bun-specific on the
 * server side, so a Bun-only API slipping into the app fails this test.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { jsonRequest } from "../support/control-plane";
import { until } from "../support/until";

const ROOT = join(import.meta.dir, "../..");
const DENO = join(ROOT, "node_modules/.bin/deno");

let deno: ReturnType<typeof Bun.spawn<"ignore", "pipe", "pipe">>;
let base = "";
let output = "";

beforeAll(async () => {
  deno = Bun.spawn(
    [
      DENO,
      "run",
      "--no-lock",
      "--unstable-sloppy-imports",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-sys",
      "test/deno/serve-app.ts",
    ],
    // Its own process group: node_modules/.bin/deno is a Node shim that starts the real binary, and
    // killing the shim alone would leave that Deno server running.
    {
      cwd: ROOT,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      detached: true,
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  const decoder = new TextDecoder();
  for (const stream of [deno.stdout, deno.stderr]) {
    void (async () => {
      const reader = stream.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        output += decoder.decode(chunk.value);
    })();
  }
  const port = await until(() => /listening (\d+)/.exec(output)?.[1], "Deno to listen", {
    timeoutMs: 120_000,
    intervalMs: 50,
    detail: () => output,
  });
  base = `http://127.0.0.1:${port}`;
}, 130_000);

afterAll(async () => {
  if (!deno) return;
  try {
    process.kill(-deno.pid, "SIGTERM"); // the whole group: the shim and Deno itself
  } catch {
    deno.kill(); // already gone, or no group
  }
  await deno.exited;
});

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${base}${path}`, body === undefined ? { method } : jsonRequest(method, body));

describe("the API served by Deno.serve", () => {
  test("is Deno doing the serving", async () => {
    expect(output).toContain("listening");
    expect(deno.exitCode).toBeNull();
    expect((await send("GET", "/v1/functions")).status).toBe(200);
  });

  test("register, then invoke synchronously", async () => {
    const registered = await send("POST", "/v1/functions", { name: "echo", executionMode: "LOCAL" });
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ name: "echo" });
    const invoked = await send("POST", "/v1/functions/echo:invoke", { input: { hello: "deno" } });
    expect(invoked.status).toBe(200);
    const outcome = await invoked.json();
    expect(outcome).toMatchObject({ status: "success", output: { hello: "deno" }, error: null });
    expect(invoked.headers.get("x-execution-id")).toBe(outcome.executionId);
  });

  test("enqueue, then read the execution", async () => {
    const queued = await send("POST", "/v1/functions/echo:enqueue", { input: 42 });
    expect(queued.status).toBe(202);
    const { executionId, status } = await queued.json();
    expect(status).toBe("queued");
    const view = await until(async () => {
      const body = await (await send("GET", `/v1/executions/${executionId}`)).json();
      return body.status === "success" ? body : undefined;
    }, "the execution to finish");
    expect(view).toMatchObject({ executionId, status: "success", output: 42, error: null, coldStart: false });
  });

  test("errors keep the envelope: 404, 400 validation, 400 bad JSON, 405, 409", async () => {
    const cases: [Response, number, string][] = [
      [await send("POST", "/v1/functions/missing:invoke", { input: 1 }), 404, "NOT_FOUND"],
      [await send("GET", "/v1/executions/no-such-id"), 404, "NOT_FOUND"],
      [await send("POST", "/v1/functions", { name: "Bad Name!", executionMode: "LOCAL" }), 400, "VALIDATION_ERROR"],
      [await send("POST", "/v1/functions/echo:invoke", "{not json"), 400, "BAD_REQUEST"],
      [await send("PATCH", "/v1/functions/echo"), 405, "METHOD_NOT_ALLOWED"], // PUT is an update now (versions),
      [await send("POST", "/v1/functions", { name: "echo", executionMode: "LOCAL" }), 409, "CONFLICT"],
    ];
    for (const [response, status, code] of cases) {
      expect({ status: response.status, type: response.headers.get("content-type") }).toEqual({
        status,
        type: expect.stringContaining("application/json"),
      });
      expect(await response.json()).toMatchObject({ error: code, message: expect.any(String) });
    }
  });

  test("delete the function", async () => {
    expect((await send("DELETE", "/v1/functions/echo")).status).toBe(204);
    expect((await send("POST", "/v1/functions/echo:invoke", { input: 1 })).status).toBe(404);
  });
});
