/**
 * HTTPS without Kubernetes: certificates generated here with openssl, the control plane served
 * over TLS, a rotation picked up without a restart, and a REMOTE (Job-style) callback over HTTPS
 * completing its execution.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { eventually, FakeKubeApiServer } from "../../test/fakes/k8s-api-server";
import { loadConfig } from "../config/config";
import { createControlPlane } from "../control-plane";
import { createKubernetesDeployerFromConfig } from "../deploy/k8s/from-config";
import { createJobDispatcher } from "../dispatch/job-dispatcher";
import { ReloadingTlsServer } from "./tls-listener";

let dir: string;
const files = () => ({ certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") });
function generate(name: string): void {
  const made = Bun.spawnSync([
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${name}`,
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout",
    join(dir, `${name}.key`),
    "-out",
    join(dir, `${name}.crt`),
  ]);
  if (made.exitCode !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
}
/** Puts certificate `name` where the server reads it (as a rotation does). */
function install(name: string): void {
  copyFileSync(join(dir, `${name}.key`), files().keyFile);
  copyFileSync(join(dir, `${name}.crt`), files().certFile);
}
const ca = (name: string) => readFileSync(join(dir, `${name}.crt`), "utf8");
/** The CN of the certificate a new TLS connection to `port` is shown. */
const servedName = (port: number) =>
  new Promise<string>((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      resolve(String(socket.getPeerCertificate().subject.CN));
      socket.end();
    });
    socket.on("error", reject);
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nanofaas-tls-"));
  generate("first");
  generate("second");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: ReloadingTlsServer | undefined;
afterEach(async () => {
  await server?.stop(true);
  server = undefined;
});

const serve = (fetch: (req: Request) => Response | Promise<Response>) => {
  install("first");
  server = new ReloadingTlsServer({ hostname: "127.0.0.1", port: 0, fetch }, files(), () => undefined);
  return server;
};

describe("the API over TLS", () => {
  test("serves HTTPS with the configured certificate", async () => {
    const cp = createControlPlane(loadConfig({}), { version: "test" });
    const s = serve(cp.fetch);
    expect(s.url.protocol).toBe("https:");
    const listed = await fetch(new URL("/v1/functions", s.url), { tls: { ca: ca("first") } });
    expect(listed.status).toBe(200);
    expect(await servedName(s.port)).toBe("first");
  });

  test("a rotated certificate is served to new connections without a restart; unchanged files do nothing", async () => {
    const s = serve(() => new Response("ok"));
    expect(await s.checkForChange()).toBe(false);
    install("second");
    expect(await s.checkForChange()).toBe(true);
    expect(await servedName(s.port)).toBe("second");
    const answered = await fetch(new URL("/", s.url), { tls: { ca: ca("second") } });
    expect(await answered.text()).toBe("ok");
  });

  test("a half-written rotation keeps the old certificate and is picked up once complete", async () => {
    const s = serve(() => new Response("ok"));
    copyFileSync(join(dir, "second.crt"), files().certFile); // the key is still the first's
    expect(await s.checkForChange()).toBe(false);
    expect(await servedName(s.port)).toBe("first");
    copyFileSync(join(dir, "second.key"), files().keyFile);
    expect(await s.checkForChange()).toBe(true);
    expect(await servedName(s.port)).toBe("second");
  });

  test("a Job-style callback over HTTPS completes its execution", async () => {
    const fake = await FakeKubeApiServer.start();
    const config = loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "k8s", NANOFAAS_K8S_NAMESPACE: "fns" });
    const deployer = createKubernetesDeployerFromConfig(config, {
      kubeConfig: fake.kubeConfig("fns"),
      log: () => undefined,
    });
    let cp: ReturnType<typeof createControlPlane> | undefined;
    // The callback URL names the port, known once the listener is up: the app is bound after.
    const s = serve((req) => cp!.fetch(req, {}));
    const remoteDispatcher = createJobDispatcher(deployer, {
      callbackUrl: new URL("/v1/internal/executions", s.url).href,
      startupAllowanceMs: 5000,
    });
    cp = createControlPlane(config, { version: "test", deployer, remoteDispatcher });
    try {
      const https = (path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(new URL(path, s.url), {
          method: "POST",
          headers: { "Content-Type": "application/json", ...headers },
          body: JSON.stringify(body),
          tls: { ca: ca("first") },
        });
      const spec = { name: "resize", image: "example/resize:2", executionMode: "REMOTE", timeoutMs: 5000 };
      expect((await https("/v1/functions", spec)).status).toBe(201);
      const call = https("/v1/functions/resize:invoke", { input: { width: 10 } });
      const job = await eventually(() => fake.list("jobs", "fns")[0], 3000, "the Job");
      const env = Object.fromEntries(
        job.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
      );
      expect(env.CALLBACK_URL).toStartWith("https://127.0.0.1:");
      const done = await https(
        `${new URL(env.CALLBACK_URL).pathname}/${env.EXECUTION_ID}:complete`,
        { success: true, output: { w: 10 } },
        { "X-Dispatch-Attempt": env.DISPATCH_ATTEMPT },
      );
      expect(done.status).toBeLessThan(300);
      const result = await call;
      expect(result.status).toBe(200);
      expect(await result.json()).toMatchObject({ status: "success", output: { w: 10 } });
    } finally {
      await deployer.close();
      await fake.close();
    }
  });
});
