/**
 * Callback tokens for warm pods (issue 18): with NANOFAAS_AUTH=apikey a POOL function served by the
 * real Bun runtime, started with CALLBACK_URL pointing at the control plane, answers the invocation
 * and calls back with the X-Callback-Token the pool dispatcher gave it; the control plane accepts
 * that callback (no 401, so the runtime does not log it as undelivered).
 */
import { afterEach, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/config";
import { createControlPlane } from "../../src/control-plane";
import { POD_HOOK_TIMEOUT_MS, type ProcessPod, spawnPod } from "../../runtimes/contract/process-pod";
import { withAuth } from "../support/auth";
import { jsonRequest } from "../support/control-plane";

let pod: ProcessPod | undefined;
let server: ReturnType<typeof Bun.serve> | undefined;
afterEach(async () => {
  await pod?.stop();
  server?.stop(true);
});

test(
  "a warm Bun runtime with CALLBACK_URL completes via callback with its token, and the control plane accepts it",
  async () => {
    const cp = createControlPlane(loadConfig({ NANOFAAS_AUTH: "apikey", NANOFAAS_DEPLOYMENT_BACKEND: "none" }), {
      version: "test",
    });
    // Served through a wrapper that records how each `:complete` callback was answered.
    const callbacks: { token: string | null; status: number }[] = [];
    server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      idleTimeout: 0,
      fetch: async (request) => {
        const response = await cp.fetch(request);
        if (new URL(request.url).pathname.endsWith(":complete"))
          callbacks.push({ token: request.headers.get("x-callback-token"), status: response.status });
        return response;
      },
    });
    const url = `http://127.0.0.1:${server.port}`;
    pod = await spawnPod({
      cmd: [process.execPath, "runtimes/bun/src/main.ts", "runtimes/contract/handlers/contract.ts"],
      env: { CALLBACK_URL: `${url}/v1/internal/executions` },
    });
    const made = await cp.auth.apiKeys.create({ name: "t", scopes: ["admin"], tenant: "default", expiresAt: null });
    const admin = `Bearer ${made.secret}`;
    const created = await fetch(
      `${url}/v1/functions`,
      withAuth(
        admin,
        jsonRequest("POST", {
          name: "warm",
          image: "x/y:1",
          executionMode: "POOL",
          endpointUrl: `${pod.baseUrl}/invoke`,
        }),
      ),
    );
    expect(created.status).toBe(201);
    const res = await fetch(
      `${url}/v1/functions/warm:invoke`,
      withAuth(admin, jsonRequest("POST", { input: { op: "echo", value: 7 } })),
    );
    const body = await res.json();
    expect(body.status).toBe("success");
    expect(body.output).toBe(7);
    while (callbacks.length === 0) await Bun.sleep(10); // the callback is sent after the answer
    expect(callbacks[0]!.token).toBe(cp.auth.callbacks.issue(body.executionId, 1));
    expect(callbacks[0]!.status).not.toBe(401);
    expect(callbacks[0]!.status).toBeLessThan(300);
    expect(pod.output?.() ?? "").not.toContain("callback delivery failed");
  },
  POD_HOOK_TIMEOUT_MS,
);
