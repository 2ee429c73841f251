/**
 * The API listener with a real socket: slow bodies are closed by the idle timeout (issue 13.6), a
 * sync invocation whose body arrived may wait past it, and HTTP/1.0 without Host keeps its path
 * (issue 13.16).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connect, type Socket } from "node:net";
import { jsonRequest, testControlPlane } from "../../test/support/control-plane";
import { apiServeOptions } from "./listener";

const IDLE_SECONDS = 1;
let api: ReturnType<typeof Bun.serve>;
let pod: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  // A pod that answers after 2.5 idle timeouts.
  pod = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => Bun.sleep(2500).then(() => Response.json({ slow: true })),
  });
  const cp = testControlPlane();
  api = Bun.serve(apiServeOptions(cp.fetch, { hostname: "127.0.0.1", port: 0, idleTimeoutSeconds: IDLE_SECONDS }));
  await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
  await cp.app.request(
    "/v1/functions",
    jsonRequest("POST", {
      name: "slow",
      executionMode: "POOL",
      endpointUrl: `http://127.0.0.1:${pod.port}/`,
      maxRetries: 1,
    }),
  );
});

afterAll(async () => {
  await api.stop(true);
  await pod.stop(true);
});

/** Writes `text` on a fresh connection; resolves with what came back and when the socket closed. */
function raw(text: string): Promise<{ reply: string; closedAfterMs: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(api.port!, "127.0.0.1");
    let reply = "";
    socket.on("data", (chunk) => (reply += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ reply, closedAfterMs: performance.now() - started }));
    socket.write(text);
  });
}

describe("idle timeout", () => {
  test.each(["invoke", "enqueue"])(
    "headers of a :%s without its body are closed after the idle timeout",
    async (verb) => {
      const { reply, closedAfterMs } = await raw(
        `POST /v1/functions/echo:${verb} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"inp`,
      );
      expect(reply).not.toContain("200 OK");
      expect(closedAfterMs).toBeLessThan(IDLE_SECONDS * 1000 * 6);
    },
    15_000,
  );

  test("a sync invocation whose body arrived waits past the idle timeout for its outcome", async () => {
    const body = '{"input":1}';
    const { reply } = await raw(
      `POST /v1/functions/slow:invoke HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(reply).toStartWith("HTTP/1.1 200");
    expect(reply).toContain('"output":{"slow":true}');
  }, 15_000);
});

describe("HTTP/1.0 without Host", () => {
  test("keeps the first path segment (invoke and lookup)", async () => {
    const body = '{"input":1}';
    const invoke = await raw(
      `POST /v1/functions/echo:invoke HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    expect(invoke.reply).toContain('"status":"success","output":1');
    const lookup = await raw("GET /v1/functions/echo HTTP/1.0\r\n\r\n");
    expect(lookup.reply.split("\r\n")[0]).toContain("200");
    expect(lookup.reply).toContain('"name":"echo"');
  });
});
