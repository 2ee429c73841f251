import { describe, expect, test } from "bun:test";
import { createFastInvokeHandler } from "../api/fast-invoke";
import { loadConfig } from "../config/config";
import { createControlPlane } from "../control-plane";
import type { Deployer } from "../deploy/deployer";
import type { Invoker } from "../execution/invoker";
import { createLogger } from "./logger";
import { createUnexpectedErrorReporter } from "./unexpected-errors";

/** A logger whose JSON lines land in `lines`. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "info", destination: { write: (l: string) => void lines.push(JSON.parse(l)) } });
  return { lines, logger };
}

const brokenDeployer = (): Deployer => ({
  id: "broken",
  provision: () => Promise.reject(new TypeError("cannot read properties of undefined (reading 'spec')")),
  deprovision: async () => undefined,
  setReplicas: async () => undefined,
  readyReplicas: () => 0,
  pickEndpoint: () => undefined,
  onReadyChange: () => () => undefined,
  close: async () => undefined,
});

describe("unexpected errors (500 INTERNAL_ERROR)", () => {
  test("through the app: logged at error level with the cause and the request id the response carries", async () => {
    const { lines, logger } = capture();
    const cp = createControlPlane(loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "process" }), {
      version: "test",
      logger,
      deployer: brokenDeployer(),
    });
    const res = await cp.app.request("/v1/functions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x", command: ["x"] }),
    });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({ error: "INTERNAL_ERROR", message: "An unexpected error occurred" });
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const line = lines.find((l) => l.msg === "unexpected error (500 INTERNAL_ERROR)");
    expect(line).toMatchObject({ level: "error", requestId, method: "POST", path: "/v1/functions" });
    expect(line?.err).toMatchObject({ message: expect.stringContaining("reading 'spec'") });
  });

  test("through the invoke fast path, keeping a client's X-Request-Id", async () => {
    const { lines, logger } = capture();
    const invoker = {
      invoke: () => Promise.reject(new Error("boom")),
      enqueue: () => {
        throw new Error("boom");
      },
    } as unknown as Invoker;
    const handler = createFastInvokeHandler({
      invoker,
      maxBodyBytes: 1024,
      maxJsonDepth: 256,
      fallback: () => new Response("fallback"),
      onUnexpectedError: createUnexpectedErrorReporter(logger),
    });
    const body = JSON.stringify({ input: 1 });
    const request = new Request("http://cp/v1/functions/f:enqueue", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(body.length), "x-request-id": "req-42" },
      body,
    });
    const res = await handler(request, undefined as never);
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("req-42");
    expect(lines.find((l) => l.requestId === "req-42")).toMatchObject({
      level: "error",
      path: "/v1/functions/f:enqueue",
    });
  });

  test("a client's request id that is not a short printable token is replaced", () => {
    const { logger } = capture();
    const report = createUnexpectedErrorReporter(logger, () => "generated");
    const request = new Request("http://cp/x", { headers: { "x-request-id": "a b" } });
    expect(report(new Error("x"), request)).toBe("generated");
  });
});
