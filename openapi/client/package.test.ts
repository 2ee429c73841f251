/**
 * `@nanofaas/client` as a user outside this repository gets it: `npm pack` in openapi/client (its
 * `prepack` builds dist/), the tarball installed by `npm install` into a fresh project in a temp
 * directory, a TypeScript consumer type-checked against the installed declarations (NodeNext, as a
 * Node.js project would) and then run under plain Node.js against a live control plane.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Served, serveControlPlane, testControlPlane } from "../../test/support/control-plane";
import rootPackage from "../../package.json" with { type: "json" };
import clientPackage from "./package.json" with { type: "json" };

const HERE = import.meta.dir;
const tmp = mkdtempSync(join(tmpdir(), "nanofaas-client-pkg-"));
const app = join(tmp, "app");
let served: Served;
let pod: ReturnType<typeof Bun.serve>;

async function run(cmd: string[], cwd: string, env: Record<string, string> = {}) {
  const proc = Bun.spawn(cmd, { cwd, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.join(" ")} exited ${code}\n${stdout}\n${stderr}`);
  return stdout;
}

// What a user writes: typed calls, a ts-expect-error that only holds if the types are real.
const CONSUMER = `
declare const process: { env: Record<string, string | undefined> };
import { createNanofaasClient, isTerminal, type InvocationResponse } from "@nanofaas/client";

const client = createNanofaasClient(process.env.NANOFAAS_URL!);
const podUrl = process.env.POD_URL!;
const created = await client.POST("/v1/functions", {
  body: { name: "echo", executionMode: "POOL", endpointUrl: podUrl },
});
// @ts-expect-error: no such path in the API
await client.GET("/v1/no-such-path");
const invoked = await client.POST("/v1/functions/{name}:invoke", {
  params: { path: { name: "echo" } },
  body: { input: { hello: "node" } },
});
const outcome: InvocationResponse | undefined = invoked.data;
const missing = await client.GET("/v1/functions/{name}", { params: { path: { name: "nope" } } });
console.log(JSON.stringify({
  created: created.response.status,
  output: outcome?.output,
  terminal: outcome ? isTerminal(outcome.status) : null,
  missing: { status: missing.response.status, code: missing.error?.error },
}));
`;

/** A plain Node.js project: NodeNext resolution, no Bun types (the ts-expect-error proves the types resolve). */
const CONSUMER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: "nodenext",
    target: "es2022",
    lib: ["es2022", "dom"],
    types: [],
    skipLibCheck: true,
  },
  files: ["consumer.ts"],
};

beforeAll(() => {
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: async (req) => Response.json({ echo: ((await req.json()) as { input: unknown }).input }),
  });
  served = serveControlPlane(testControlPlane());
});
afterAll(async () => {
  await served?.stop();
  pod?.stop(true);
  rmSync(tmp, { recursive: true, force: true });
  rmSync(join(HERE, "dist"), { recursive: true, force: true });
});

test("the package pins the same openapi-fetch and carries the repository's version", () => {
  expect(clientPackage.dependencies).toEqual({ "openapi-fetch": rootPackage.dependencies["openapi-fetch"] });
  expect(clientPackage.version).toBe(rootPackage.version);
});

test("npm pack → npm install in a fresh project → typed use under Node.js against a live control plane", async () => {
  const packed = await run(["npm", "pack", "--pack-destination", tmp, "--json"], HERE);
  const [info] = JSON.parse(packed.slice(packed.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  expect(info!.files.map((f) => f.path).sort()).toEqual([
    "README.md",
    "dist/index.d.ts",
    "dist/index.js",
    "dist/schema.d.ts",
    "package.json",
  ]);

  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run(["npm", "install", "--no-audit", "--no-fund", "--prefer-offline", join(tmp, info!.filename)], app);
  writeFileSync(join(app, "consumer.ts"), CONSUMER);
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG));
  await run([process.execPath, Bun.resolveSync("typescript/bin/tsc", HERE), "-p", "."], app).catch((error) => {
    throw new Error(`the consumer does not type-check against the installed package: ${error.message}`);
  });

  const out = await run(["node", "consumer.js"], app, { NANOFAAS_URL: served.url, POD_URL: pod.url.href });
  expect(JSON.parse(out)).toEqual({
    created: 201,
    output: { echo: { hello: "node" } },
    terminal: true,
    missing: { status: 404, code: "NOT_FOUND" },
  });
}, 120_000);
