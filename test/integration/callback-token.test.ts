/**
 * Callback tokens (issue 18.2) end to end: with NANOFAAS_AUTH=apikey a REMOTE Job's pod is the real
 * watchdog in one-shot mode, started with exactly the environment the k8s backend gives a Job
 * (jobEnv, CALLBACK_TOKEN included); it completes its own execution. A forged token, another
 * attempt's token and another execution's token are each refused with 401.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { CallbackTokens } from "../../src/auth/callback-token";
import { loadConfig } from "../../src/config/config";
import { createControlPlane } from "../../src/control-plane";
import type { JobLauncher, JobRequest } from "../../src/deploy/deployer";
import { jobEnv } from "../../src/deploy/k8s/env";
import { createJobDispatcher } from "../../src/dispatch/job-dispatcher";
import { jsonRequest, serveControlPlane, type Served } from "../support/control-plane";
import { withAuth } from "../support/auth";

const ROOT = join(import.meta.dir, "../..");
const HANDLER = `python3 ${join(ROOT, "watchdog/test/fixtures/handler.py")}`;
let served: Served | undefined;
afterEach(async () => served?.stop());

/** A control plane whose REMOTE Jobs are run by `run` (the real watchdog, or nothing). */
async function remoteControlPlane(run: (job: JobRequest) => void) {
  const config = loadConfig({ NANOFAAS_AUTH: "apikey", NANOFAAS_DEPLOYMENT_BACKEND: "none" });
  const callbacks = new CallbackTokens();
  const launched: JobRequest[] = [];
  const launcher: JobLauncher = {
    launch: async (job) => {
      launched.push(job);
      run(job);
    },
  };
  let base = "";
  const remoteDispatcher = createJobDispatcher(launcher, {
    get callbackUrl() {
      return `${base}/v1/internal/executions`;
    },
    startupAllowanceMs: 10_000,
    callbackToken: (id, attempt) => callbacks.issue(id, attempt),
  });
  const cp = createControlPlane(config, { version: "test", remoteDispatcher, callbacks });
  served = serveControlPlane(cp);
  base = served.url;
  const admin = `Bearer ${(await cp.auth.apiKeys.create({ name: "t", scopes: ["admin"], tenant: "default", expiresAt: null })).secret}`;
  await cp.app.request(
    "/v1/functions",
    withAuth(
      admin,
      jsonRequest("POST", { name: "job", image: "x/y:1", executionMode: "REMOTE", timeoutMs: 8000, maxRetries: 1 }),
    ),
  );
  return { cp, admin, launched, url: served.url };
}

const complete = (url: string, id: string, headers: Record<string, string>) =>
  fetch(`${url}/v1/internal/executions/${id}:complete`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ success: true, output: "forged", error: null }),
  });

describe("callback tokens", () => {
  test("the real watchdog in one-shot mode completes its own execution with its token", async () => {
    const { admin, url, launched } = await remoteControlPlane((job) => {
      const env = Object.fromEntries(jobEnv(job).map((e) => [e.name, e.value ?? ""]));
      Bun.spawn(["bun", join(ROOT, "watchdog/src/main.ts")], {
        env: { PATH: process.env.PATH ?? "", ...env, EXECUTION_MODE: "STDIO", WATCHDOG_CMD: HANDLER },
        stdout: "ignore",
        stderr: "ignore",
      });
    });
    const res = await fetch(
      `${url}/v1/functions/job:invoke`,
      withAuth(admin, jsonRequest("POST", { input: { scenario: "echo", n: 7 } })),
    );
    const body = await res.json();
    expect(body.status).toBe("success");
    expect(body.output).toEqual({ input: { scenario: "echo", n: 7 }, metadata: null });
    expect(launched[0]!.callbackToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(jobEnv(launched[0]!).find((e) => e.name === "CALLBACK_TOKEN")?.value).toBe(launched[0]!.callbackToken);
  });

  test("forged, replayed (other attempt) and cross-execution tokens are 401; the right one is 204", async () => {
    const { admin, url, launched } = await remoteControlPlane(() => {});
    const enqueue = async () =>
      (
        await (
          await fetch(`${url}/v1/functions/job:enqueue`, withAuth(admin, jsonRequest("POST", { input: 1 })))
        ).json()
      ).executionId as string;
    const [first, second] = [await enqueue(), await enqueue()];
    while (launched.length < 2) await Bun.sleep(5);
    const tokenOf = (id: string) => launched.find((j) => j.executionId === id)!.callbackToken!;
    const attempt1 = { "x-dispatch-attempt": "1" };
    const refused = [
      await complete(url, first, attempt1), // no token
      await complete(url, first, { ...attempt1, "x-callback-token": "A".repeat(43) }), // forged
      await complete(url, first, { ...attempt1, "x-callback-token": tokenOf(second) }), // another execution's
      await complete(url, first, { "x-dispatch-attempt": "2", "x-callback-token": tokenOf(first) }), // another attempt
      await complete(url, first, { "x-callback-token": tokenOf(first) }), // attempt not named
      await complete(url, first, { ...attempt1, "x-callback-token": tokenOf(first), authorization: admin }), // the right token (a key alongside changes nothing)
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 204]);
    expect((await fetch(`${url}/v1/executions/${first}`, withAuth(admin))).status).toBe(200);
  });
});
