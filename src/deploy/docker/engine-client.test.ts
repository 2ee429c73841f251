import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEngineClient, DockerApiError, splitImage } from "./engine-client";

/** Scripted daemon: each path answers what the test needs, events arrive split across chunks. */
const dir = mkdtempSync(join(tmpdir(), "engine-client-"));
const socketPath = join(dir, "docker.sock");
let server: Server;
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://docker");
    if (url.pathname === "/containers/create")
      return json(res, 409, { message: 'Conflict. The container name "/x" is already in use' });
    if (url.pathname === "/containers/gone/json") return json(res, 404, { message: "No such container: gone" });
    if (url.pathname === "/containers/teapot/json") return void res.writeHead(418).end("short and stout");
    if (url.pathname === "/images/create") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(
        `{"status":"Pulling"}\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n`,
      );
    }
    if (url.pathname === "/events") {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"Action":"die","Actor":{"ID":"a"}}\n{"Action":"di');
      setTimeout(() => res.end('e","Actor":{"ID":"b"}}\n'), 20);
      return;
    }
    json(res, 500, { message: `unexpected ${url.pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("engine client", () => {
  const client = () => createEngineClient(socketPath);

  test.each([
    ["nanofaas/word-stats:latest", { fromImage: "nanofaas/word-stats", tag: "latest" }],
    ["busybox", { fromImage: "busybox", tag: "latest" }],
    ["registry:5000/team/fn", { fromImage: "registry:5000/team/fn", tag: "latest" }],
    ["registry:5000/team/fn:2", { fromImage: "registry:5000/team/fn", tag: "2" }],
    ["fn@sha256:abc", { fromImage: "fn@sha256:abc" }],
  ])("splitImage(%p)", (image, expected) => expect(splitImage(image)).toEqual(expected));

  test("an error status carries Docker's message and the operation", async () => {
    const error = await client()
      .createContainer("x", {})
      .catch((e) => e);
    expect(error).toBeInstanceOf(DockerApiError);
    expect(error.status).toBe(409);
    expect(error.message).toBe('create container x: Conflict. The container name "/x" is already in use (HTTP 409)');
  });

  test("inspect of an absent container is undefined; a non-JSON error keeps its text", async () => {
    expect(await client().inspectContainer("gone")).toBeUndefined();
    expect(
      (
        await client()
          .inspectContainer("teapot")
          .catch((e) => e)
      ).message,
    ).toContain("short and stout (HTTP 418)");
  });

  test("a pull that fails after its 200 rejects with the progress line's error", async () => {
    expect(
      (
        await client()
          .pullImage("fn:1")
          .catch((e) => e)
      ).message,
    ).toBe("pull image fn:1: manifest unknown (HTTP 500)");
  });

  test("events are parsed line by line across chunk boundaries", async () => {
    const seen: string[] = [];
    for await (const event of client().events({}, new AbortController().signal))
      seen.push(`${event.Action} ${event.Actor?.ID}`);
    expect(seen).toEqual(["die a", "die b"]);
  });

  test("an absent socket is an unreachable error with the fix in the message", async () => {
    const error = await createEngineClient(join(dir, "nope.sock"))
      .ping()
      .catch((e) => e);
    expect(error.name).toBe("DockerUnreachableError");
    expect(error.message).toContain(`cannot reach the Docker Engine at ${join(dir, "nope.sock")}`);
    expect(error.message).toContain("--group-add");
  });
});
