/**
 * @module
 * A fake function pod for integration tests of the dispatcher and the control plane: a real HTTP
 * server on an ephemeral loopback port that speaks the pod contract (SPEC §2) and misbehaves on
 * demand. `node:http` rather than `Bun.serve` so that it can destroy a socket mid-request and
 * keep a request hanging without a first byte.
 *
 * Each `POST /invoke` is recorded as a {@link PodCall} and answered by a {@link Behavior}: by
 * default the one the request's `input` asks for (`{"fake": "sleep", "ms": 50}`), else echo.
 * A test can instead return behaviors programmatically with `setBehavior`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Header } from "../../src/contracts/headers";
import { type Json, type PodErrorBody, PodErrorCode, PodStatus } from "../../src/contracts/pod";

export interface PodCall {
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  body: unknown;
  /** `body.input` when the body is an object, else undefined. */
  input: unknown;
  executionId: string | undefined;
  /** `X-Dispatch-Attempt` as an integer; undefined when missing or not an integer. */
  attempt: number | undefined;
  /** 1 for the first call this pod saw with this execution id (or without one), 2 for the next… */
  nth: number;
  /** `performance.now()` when the request head arrived. */
  receivedAt: number;
}

/** What the pod does with one call. `fake` is the discriminant, exactly as in the wire form. */
export type Behavior =
  | { fake: "echo" }
  | { fake: "sleep"; ms: number; next?: Behavior }
  | { fake: "status"; status: number; body?: Json; contentType?: string; headers?: Record<string, string> }
  | { fake: "garbage" }
  | { fake: "empty" }
  | { fake: "null" }
  | { fake: "text"; text: string }
  | { fake: "close" }
  | { fake: "hang" }
  | { fake: "cold"; initMs: number }
  | { fake: "big"; bytes: number }
  | { fake: "flaky"; failTimes: number; status?: number };

export type BehaviorFn = (call: PodCall) => Behavior | Promise<Behavior>;

export interface FakePod {
  /** `http://127.0.0.1:PORT/invoke` */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  /** Every request except `GET /health` and `GET /metrics`, in arrival order. */
  readonly calls: readonly PodCall[];
  readonly inFlight: number;
  readonly maxInFlight: number;
  readonly healthChecks: number;
  /** `X-Dispatch-Attempt` of each call with this execution id, in arrival order. */
  attemptsFor(executionId: string): (number | undefined)[];
  callsFor(executionId: string): PodCall[];
  /** Resolves once `count` calls have been recorded; rejects after `timeoutMs` (default 2000). */
  waitForCalls(count: number, timeoutMs?: number): Promise<PodCall[]>;
  setBehavior(fn: BehaviorFn | undefined): void;
  setHealthy(healthy: boolean): void;
  /** Forgets calls and counters, restores health and the behavior given at start. */
  reset(): void;
  /** Stops listening and destroys every open socket, hung requests included. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const KINDS = new Set([
  "echo",
  "sleep",
  "status",
  "garbage",
  "empty",
  "null",
  "text",
  "close",
  "hang",
  "cold",
  "big",
  "flaky",
]);
const NUMBER_FIELDS: Record<string, string[]> = {
  sleep: ["ms"],
  status: ["status"],
  cold: ["initMs"],
  big: ["bytes"],
  flaky: ["failTimes"],
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const errorBody = (code: string, message: string): PodErrorBody => ({ error: { code, message } });

function badRequest(code: string, message: string): Behavior {
  return { fake: "status", status: PodStatus.badRequest, body: errorBody(code, message) as unknown as Json };
}

/** Validates a wire instruction; returns an error message for a malformed one. */
function checkInstruction(value: Record<string, unknown>): string | undefined {
  const kind = value.fake;
  if (typeof kind !== "string" || !KINDS.has(kind)) return `unknown fake behavior ${JSON.stringify(kind)}`;
  for (const field of NUMBER_FIELDS[kind] ?? []) {
    const n = value[field];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) return `${kind}.${field} must be an integer >= 0`;
  }
  if (kind === "status" && ((value.status as number) < 200 || (value.status as number) > 599)) {
    return "status.status must be 200..599";
  }
  if (kind === "big" && (value.bytes as number) < 2) return "big.bytes must be >= 2";
  if (kind === "text" && typeof value.text !== "string") return "text.text must be a string";
  if (kind === "sleep" && value.next !== undefined) {
    return isObject(value.next) ? checkInstruction(value.next) : "sleep.next must be an object";
  }
  return undefined;
}

/**
 * The behavior used when a test sets none: the instruction in `input` when it is an object with a
 * `fake` key, else echo. Like a real pod, it answers 400 to a body that is not JSON and to a call
 * without `X-Execution-Id`. Custom behaviors may delegate to it.
 */
export function defaultBehavior(call: PodCall): Behavior {
  if (call.rawBody !== "" && call.body === undefined) {
    return badRequest(PodErrorCode.invalidJson, "Request body is not valid JSON");
  }
  if (!call.executionId) return badRequest(PodErrorCode.executionIdRequired, "Execution ID required");
  if (!isObject(call.input) || !("fake" in call.input)) return { fake: "echo" };
  const problem = checkInstruction(call.input);
  return problem ? badRequest(PodErrorCode.badRequest, `fake pod: ${problem}`) : (call.input as unknown as Behavior);
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { "content-type": "application/json", ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * `status`: a string body goes out verbatim (text/plain unless `contentType` says otherwise), any
 * other value as JSON; without a body, an error status gets a pod error body and a 2xx none.
 */
function sendStatus(res: ServerResponse, b: Extract<Behavior, { fake: "status" }>): void {
  const text = typeof b.body === "string";
  let body = text ? (b.body as string) : b.body === undefined ? "" : json(b.body);
  if (b.body === undefined && b.status >= 400) {
    body = json(errorBody(b.status >= 500 ? PodErrorCode.handlerError : PodErrorCode.badRequest, `fake ${b.status}`));
  }
  const contentType = b.contentType ?? (text ? "text/plain; charset=utf-8" : "application/json");
  send(res, b.status, body, { ...b.headers, "content-type": contentType });
}

function headerMap(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function startFakePod(options: { behavior?: BehaviorFn } = {}): Promise<FakePod> {
  let behavior: BehaviorFn = options.behavior ?? defaultBehavior;
  let calls: PodCall[] = [];
  let seenPerId = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let healthy = true;
  let healthChecks = 0;
  let closed: Promise<void> | undefined;
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const waiters = new Set<() => void>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function perform(b: Behavior, call: PodCall, req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (b.fake) {
      case "echo":
        return send(res, 200, json(call.input));
      case "sleep":
        await sleep(b.ms);
        return perform(b.next ?? { fake: "echo" }, call, req, res);
      case "status":
        return sendStatus(res, b);
      case "garbage":
        return send(res, 200, '{"output": this is not json');
      case "empty":
        return send(res, 200, "");
      case "null":
        return send(res, 200, "null");
      case "text":
        return send(res, 200, b.text, { "content-type": "text/plain; charset=utf-8" });
      case "close":
        req.socket.destroy();
        return;
      case "hang":
        return; // answered by close(), which destroys the socket
      case "cold":
        return send(res, 200, json(call.input), {
          [Header.coldStart.toLowerCase()]: "true",
          [Header.initDurationMs.toLowerCase()]: String(b.initMs),
        });
      case "big":
        return send(res, 200, `"${"x".repeat(b.bytes - 2)}"`);
      case "flaky":
        if (call.nth > b.failTimes) return send(res, 200, json(call.input));
        return send(
          res,
          b.status ?? PodStatus.handlerError,
          json(errorBody(PodErrorCode.handlerError, `fake failure ${call.nth}/${b.failTimes}`)),
        );
      default: {
        const unknown: never = b;
        throw new Error(`unknown behavior ${JSON.stringify(unknown)}`);
      }
    }
  }

  function record(req: IncomingMessage, rawBody: string, receivedAt: number): PodCall {
    const headers = headerMap(req);
    const body = parseJson(rawBody);
    const executionId = headers[Header.executionId.toLowerCase()];
    const attemptText = headers[Header.dispatchAttempt.toLowerCase()];
    const attempt = attemptText !== undefined && /^\d+$/.test(attemptText) ? Number(attemptText) : undefined;
    const nth = (seenPerId.get(executionId ?? "") ?? 0) + 1;
    seenPerId.set(executionId ?? "", nth);
    const input = isObject(body) ? body.input : undefined;
    const path = (req.url ?? "/").split("?")[0]!;
    const call = {
      method: req.method ?? "",
      path,
      headers,
      rawBody,
      body,
      input,
      executionId,
      attempt,
      nth,
      receivedAt,
    };
    calls.push(call);
    for (const wake of waiters) wake();
    return call;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      healthChecks++;
      return send(res, healthy ? 200 : PodStatus.unavailable, json({ status: healthy ? "ok" : "unhealthy" }));
    }
    if (req.method === "GET" && path === "/metrics") {
      const text = `fake_pod_calls_total ${calls.length}\nfake_pod_in_flight ${inFlight}\n`;
      return send(res, 200, text, { "content-type": "text/plain; version=0.0.4" });
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once("close", () => inFlight--); // answered, destroyed, or abandoned by the client
    const call = record(req, await readBody(req), receivedAt);
    if (req.method !== "POST" || path !== "/invoke") {
      return send(res, 404, json(errorBody(PodErrorCode.notFound, "Endpoint not found")));
    }
    try {
      await perform(await behavior(call), call, req, res);
    } catch (error) {
      send(res, 500, json(errorBody("FAKE_POD_ERROR", `fake pod behavior failed: ${String(error)}`)));
    }
  }

  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };

  return {
    url: `${baseUrl}/invoke`,
    baseUrl,
    get calls() {
      return calls;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get healthChecks() {
      return healthChecks;
    },
    attemptsFor: (id) => calls.filter((c) => c.executionId === id).map((c) => c.attempt),
    callsFor: (id) => calls.filter((c) => c.executionId === id),
    waitForCalls(count, timeoutMs = 2000) {
      if (calls.length >= count) return Promise.resolve(calls.slice(0, count));
      return new Promise((resolve, reject) => {
        const check = () => {
          if (calls.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(calls.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake pod: ${calls.length} of ${count} calls after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    setBehavior(fn) {
      behavior = fn ?? defaultBehavior;
    },
    setHealthy(value) {
      healthy = value;
    },
    reset() {
      calls = [];
      seenPerId = new Map();
      maxInFlight = inFlight;
      healthy = true;
      healthChecks = 0;
      behavior = options.behavior ?? defaultBehavior;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
