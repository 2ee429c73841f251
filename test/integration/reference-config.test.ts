/**
 * The reference's configuration starts the real process (issue 15.1): `bun src/main.ts` with the
 * reference Helm chart's extraEnv and the CLI's variables comes up, logs ONE warning naming the
 * setting that does nothing here, and applies the scaling defaults it honours.
 */
import { afterEach, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../support/control-plane";

const REPO = new URL("../..", import.meta.url).pathname;
let child: ReturnType<typeof Bun.spawn> | undefined;
afterEach(() => child?.kill("SIGKILL"));

async function readLines(stream: ReadableStream<Uint8Array>, until: (line: Record<string, unknown>) => boolean) {
  const lines: Record<string, unknown>[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return lines;
    buffer += decoder.decode(value, { stream: true });
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      if (until(line)) return lines;
    }
  }
}

test("main.ts starts with the reference's Helm extraEnv and client variables, with one warning", async () => {
  const proc = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NANOFAAS_DEPLOYMENT_BACKEND: "none",
      SERVER_PORT: "0",
      MANAGEMENT_SERVER_PORT: "0",
      NANOFAAS_SYNC_QUEUE_ENABLED: "true",
      NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY: "1",
      SYNC_QUEUE_PER_FUNCTION_MIN_SAMPLES: "1",
      NANOFAAS_URL: "http://localhost:8080",
      NANOFAAS_ENDPOINT: "http://localhost:8080",
      NANOFAAS_NAMESPACE: "nanofaas",
      NANOFAAS_CONTROL_PLANE_MODULES: "all",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  child = proc;
  const lines = await readLines(proc.stdout, (line) => line.msg === "started");
  expect(lines.at(-1)?.msg).toBe("started");
  const warnings = lines.filter((line) => line.level === "warn" || line.level === 40);
  expect(warnings).toHaveLength(1);
  expect(String(warnings[0]!.msg)).toContain("NANOFAAS_SYNC_QUEUE_MAX_CONCURRENCY");
  expect(JSON.stringify(lines)).not.toContain("NANOFAAS_URL");
});

test("NANOFAAS_SCALING_DEFAULTMIN/MAXREPLICAS fill an omitted scalingConfig, shown by GET", async () => {
  const cp = testControlPlane({ NANOFAAS_SCALING_DEFAULTMINREPLICAS: "2", NANOFAAS_SCALING_DEFAULTMAXREPLICAS: "7" });
  const spec = { name: "scaled", executionMode: "DEPLOYMENT", endpointUrl: "http://127.0.0.1:9/invoke" };
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", spec))).status).toBe(201);
  const body = (await (await cp.app.request("/v1/functions/scaled")).json()) as { scalingConfig: { minReplicas: number; maxReplicas: number } };
  expect([body.scalingConfig.minReplicas, body.scalingConfig.maxReplicas]).toEqual([2, 7]);
});
