/**
 * What a person sees of the real process (`bun src/main.ts`, as `npm start` runs it): the start-up
 * line names the URLs to open, `/` leads to the API reference, every 413 is the JSON envelope (Bun's
 * own body cap would answer first with a bare 413), a busy port is one line naming the setting, and
 * a machine without python3 still starts `npm start`'s examples that it can run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ControlPlaneProcess, spawnControlPlane, startControlPlane } from "../support/control-plane-process";
import { until } from "../support/until";

const MiB = 1024 * 1024;

describe("a running control plane", () => {
  let cp: ControlPlaneProcess;
  beforeAll(async () => {
    cp = await startControlPlane();
    await fetch(`${cp.api}/v1/functions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"echo","executionMode":"LOCAL"}',
    });
  });
  afterAll(() => cp.stop());

  test("the started line names the API, docs and metrics URLs, and they answer", async () => {
    expect(cp.started).toMatchObject({
      api: `${cp.api}/`,
      docs: `${cp.api}/docs`,
      metrics: `${cp.management}/metrics`,
    });
    expect((await fetch(String(cp.started.docs))).status).toBe(200);
    expect(await (await fetch(String(cp.started.metrics))).text()).toContain("function_");
  });

  test("/ on the API port redirects to the web console", async () => {
    const res = await fetch(`${cp.api}/`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/ui");
  });

  const tooLarge = async (res: Response) => {
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(await res.json()).toEqual({
      error: "PAYLOAD_TOO_LARGE",
      message: `Request body exceeds the limit of ${6 * MiB} bytes`,
    });
  };

  for (const size of [12 * MiB, 20 * MiB]) {
    test(`a ${size / MiB} MiB body → 413 in the JSON envelope (invoke and register)`, async () => {
      const body = new Uint8Array(size).fill(0x20);
      for (const path of ["/v1/functions/echo:invoke", "/v1/functions"]) {
        await tooLarge(
          await fetch(`${cp.api}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body }),
        );
      }
    });
  }

  test("a chunked body that runs past the limit → 413 in the JSON envelope", async () => {
    const chunk = new Uint8Array(MiB).fill(0x20);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await tooLarge(
      await fetch(`${cp.api}/v1/functions/echo:invoke`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    );
  });

  test("a body just under the limit is still served", async () => {
    const input = "x".repeat(6 * MiB - 64);
    const res = await fetch(`${cp.api}/v1/functions/echo:invoke`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { output: string }).output.length).toBe(input.length);
  });
});

describe("a busy port", () => {
  for (const setting of ["SERVER_PORT", "MANAGEMENT_SERVER_PORT"]) {
    test(`${setting} in use → one line naming ${setting}, no stack trace, exit 2`, async () => {
      const squatter = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("taken") });
      try {
        const proc = spawnControlPlane({ [setting]: String(squatter.port) });
        expect(await proc.exited()).toBe(2);
        expect(proc.stderr()).toBe(
          `nanofaas: 127.0.0.1:${squatter.port} is already in use (${setting}); stop what listens there or set ${setting} to a free port\n`,
        );
      } finally {
        squatter.stop(true);
      }
    });
  }
});

describe("npm start's examples on a machine without python3", () => {
  test("the control plane starts, says once that the Python functions were skipped, and serves the others", async () => {
    // A PATH with bun and sh only: no python3 anywhere on it.
    const bin = mkdtempSync(join(tmpdir(), "nanofaas-nopython-"));
    symlinkSync(process.execPath, join(bin, "bun"));
    symlinkSync("/bin/sh", join(bin, "sh"));
    const cp = await startControlPlane({
      PATH: bin,
      NANOFAAS_DEPLOYMENT_BACKEND: "process",
      NANOFAAS_FUNCTIONS_DIR: "examples/functions",
    });
    try {
      const skipped = await until(() => cp.lines.find((l) => l.msg.startsWith("skipped")), "the skipped line", {
        timeoutMs: 15_000,
        detail: cp.stderr,
      });
      expect(skipped.msg).toBe(
        "skipped 'json-transform-python', 'roman-numeral-python', 'stdio-upper', 'word-stats-python': 'python3' is not on PATH (install it and restart to run them)",
      );
      expect(cp.lines.filter((l) => l.msg.includes("python3"))).toHaveLength(1);
      await until(async () => (await fetch(`${cp.management}/readyz`)).ok, "readiness", {
        timeoutMs: 15_000,
        detail: cp.stderr,
      });
      const res = await fetch(`${cp.api}/v1/functions/word-stats:invoke`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: { text: "a b a" } }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe("success");
      expect((await fetch(`${cp.api}/v1/functions/word-stats-python`)).status).toBe(404);
    } finally {
      await cp.stop();
      rmSync(bin, { recursive: true, force: true });
    }
  }, 60_000);
});
