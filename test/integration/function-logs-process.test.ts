/**
 * Function logs on the process backend, end to end (issue 24): a real control plane, a real Bun
 * runtime replica and a real watchdog STDIO replica print lines; `GET /v1/functions/{name}/logs`
 * returns them, tagged with their execution, filtered by `executionId`, and follows new ones over SSE.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { type ControlPlane, createControlPlane } from "../../src/control-plane";
import { BUN, LogSink, testConfig } from "../../src/deploy/process/fixtures/harness";
import { survivors } from "../../src/deploy/process/fixtures/processes";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { jsonRequest, type Served, serveControlPlane } from "../support/control-plane";
import { REPO } from "../support/control-plane-process";
import { until } from "../support/until";

const HANDLER = join(REPO, "test/fixtures/logs/chatty-handler.ts");
let deployer: ProcessDeployer;
let cp: ControlPlane;
let served: Served;
let cli: CliSandbox;

beforeAll(async () => {
  // The test registers through the API, so it allows the programs it runs (docs/security.md).
  const config = testConfig({ processAllowedCommands: ["*"] });
  deployer = createProcessDeployer(config, { output: new LogSink().write, timing: { stopGraceMs: 2000 } });
  cp = createControlPlane(config, { version: "test", deployer });
  served = serveControlPlane(cp);
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
  const command = [BUN, join(REPO, "runtimes/bun/src/main.ts"), HANDLER];
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", { name: "chatty", command }))).status).toBe(201);
  const stdio = {
    name: "shout",
    runtimeMode: "STDIO",
    runtimeCommand: `sh ${join(REPO, "test/fixtures/logs/stderr-then-cat.sh")}`,
  };
  expect((await cp.app.request("/v1/functions", jsonRequest("POST", stdio))).status).toBe(201);
});

afterAll(async () => {
  const pids = [...deployer.replicaPids("chatty"), ...deployer.replicaPids("shout")];
  cli.cleanup();
  await served.stop();
  await deployer.close();
  expect(await survivors(pids)).toEqual([]);
});

async function invoke(name: string, input: unknown): Promise<string> {
  const res = await cp.app.request(`/v1/functions/${name}:invoke`, jsonRequest("POST", { input }));
  expect(res.status).toBe(200);
  return res.headers.get("X-Execution-Id") ?? ((await res.json()) as { executionId: string }).executionId;
}

type Line = { replica: string; stream: string; executionId?: string; traceId?: string; message: string };

async function logs(name: string, query = ""): Promise<Line[]> {
  const res = await cp.app.request(`/v1/functions/${name}/logs${query}`);
  expect(res.status).toBe(200);
  return (await res.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

describe("logs of process-backend functions", () => {
  test("a Bun runtime replica's console and ctx.logger lines, by execution", async () => {
    const ann = await invoke("chatty", { who: "ann" });
    const bob = await invoke("chatty", { who: "bob" });
    await until(async () => (await logs("chatty", `?executionId=${bob}`)).length >= 4, "bob's lines collected");
    const annLines = await logs("chatty", `?executionId=${ann}`);
    // stdout and stderr are separate pipes: the order between them is not kept, within each it is.
    const described = annLines.map((l) => `${l.stream} ${l.message.startsWith("{") ? "json" : l.message}`);
    expect(described.filter((l) => l.startsWith("stdout"))).toEqual(["stdout hello ann", "stdout json"]);
    expect(described.filter((l) => l.startsWith("stderr"))).toEqual([
      "stderr problem for ann",
      "stderr second line for ann",
    ]);
    expect(annLines.every((l) => l.replica === "0" && l.executionId === ann)).toBe(true);
    expect(JSON.parse(annLines.find((l) => l.message.startsWith("{"))!.message)).toMatchObject({
      message: "structured",
      who: "ann",
      executionId: ann,
    });
    // Untagged start-up output is there too, without an execution.
    const all = await logs("chatty");
    expect(all.find((l) => l.message === "chatty: loaded")?.executionId).toBeUndefined();
  });

  test("a watchdog STDIO child's stderr is tagged with its execution", async () => {
    const id = await invoke("shout", { x: 1 });
    await until(async () => (await logs("shout", `?executionId=${id}`)).length > 0, "the child's line");
    expect((await logs("shout", `?executionId=${id}`)).map((l) => [l.stream, l.message])).toEqual([
      ["stderr", "child-says-hi"],
    ]);
  });

  test("follow=true streams lines printed after the request, over a real connection", async () => {
    const leave = new AbortController();
    const res = await fetch(`${served.url}/v1/functions/chatty/logs?follow=true&tail=0`, { signal: leave.signal });
    expect(res.headers.get("content-type")).toStartWith("text/event-stream");
    const reader = res.body!.getReader();
    const id = await invoke("chatty", { who: "cyd" });
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes("second line for cyd")) text += decoder.decode((await reader.read()).value, { stream: true });
    expect(text).not.toContain("hello ann");
    expect(text).toContain(`"executionId":"${id}"`);
    leave.abort();
  });

  test("the CLI: `nanofaas logs NAME --execution ID`, and `-f` prints new lines of that execution only", async () => {
    const dan = await invoke("chatty", { who: "dan" });
    await until(async () => (await logs("chatty", `?executionId=${dan}`)).length >= 4, "dan's lines");
    const shown = await cli.run(["logs", "chatty", "--execution", dan]);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.endsWith("hello dan"))).toMatch(/^\d{4}-\d\d-\d\dT\S+Z \[0\] hello dan$/);
    expect(lines.filter((l) => l.endsWith("[0]! problem for dan"))).toHaveLength(1);
    const asJson = await cli.run(["logs", "chatty", "--execution", dan, "--tail", "1", "-o", "json"]);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ function: "chatty", executionId: dan, replica: "0" });

    // -f runs until stopped: queue an execution that prints after a second, follow it, then stop.
    const queued = await cp.app.request(
      "/v1/functions/chatty:enqueue",
      jsonRequest("POST", { input: { who: "eve", delayMs: 1000 } }),
    );
    const eve = ((await queued.json()) as { executionId: string }).executionId;
    const following = Bun.spawn(
      [process.execPath, join(REPO, "cli/src/main.ts"), "logs", "chatty", "-f", "--execution", eve],
      {
        env: {
          ...process.env,
          NANOFAAS_ENDPOINT: served.url,
          HOME: cli.home,
          XDG_CONFIG_HOME: join(cli.home, ".config"),
        },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    let text = "";
    const reading = (async () => {
      const decoder = new TextDecoder();
      const reader = following.stdout.getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += decoder.decode(chunk.value, { stream: true });
      }
    })();
    await until(() => text.includes("second line for eve"), "the followed lines", { timeoutMs: 15_000 });
    following.kill();
    await reading;
    expect(text).not.toContain("dan");
  });
});
