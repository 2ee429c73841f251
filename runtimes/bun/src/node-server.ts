/**
 * @module
 * Hosts the runtime's `Request → Response` function on `node:http` when the runtime runs under
 * Node.js (≥ 20) instead of Bun: the same handler, the same contract, only the server differs.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface NodeServer {
  port: number;
  /** Stops accepting, closes idle connections and resolves once in-flight responses are written. */
  stop(): Promise<void>;
}

async function toRequest(req: IncomingMessage, port: number): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(`http://127.0.0.1:${port}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = { "content-length": String(body.length) };
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(body);
}

export function listenNode(handle: (request: Request) => Promise<Response>, port: number): Promise<NodeServer> {
  const server = createServer((req, res) => {
    const bound = (server.address() as AddressInfo).port;
    toRequest(req, bound)
      .then(handle)
      .then((response) => send(res, response))
      .catch(() => res.destroy()); // the client went away mid-request
  });
  // A handler may legitimately run up to TIMEOUT_MS (one hour at most): no per-request cap here.
  server.requestTimeout = 0;
  return new Promise((resolveServer, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => {
      resolveServer({
        port: (server.address() as AddressInfo).port,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
