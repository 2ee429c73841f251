/**
 * Shared pieces of the e2e suite: the gate, the image names `just images` builds, the Docker
 * checks that make a missing engine a loud failure, and small HTTP/polling helpers.
 *
 * The suite lives in `*.e2e.ts` files, which a plain `bun test` does not pick up; `just e2e` runs
 * them explicitly with E2E=1 and TESTCONTAINERS_RYUK_DISABLED=true (the reaper keeps Bun alive,
 * so every test cleans up after itself in afterAll instead).
 */
import { statSync } from "node:fs";
import { createEngineClient, type EngineClient } from "../../src/deploy/docker/engine-client";
import { until as untilCondition } from "../support/until";

export const SOCKET = process.env.DOCKER_SOCKET ?? "/var/run/docker.sock";
export const IMAGES = {
  controlPlane: "nanofaas/control-plane:latest",
  watchdog: "nanofaas/watchdog:latest",
  wordStats: "nanofaas/word-stats:latest",
  jsonTransform: "nanofaas/json-transform:latest",
  romanNumeral: "nanofaas/roman-numeral:latest",
  slowUpper: "nanofaas/e2e-slow-upper:latest",
} as const;

/** Fails (never skips) when the engine or an image is missing, naming the fix. */
export async function requireDocker(): Promise<EngineClient> {
  const engine = createEngineClient(SOCKET);
  try {
    await engine.ping();
  } catch (error) {
    throw new Error(
      `E2E=1 but Docker is not usable: ${(error as Error).message}\nRun \`just docker-up\` (or \`just e2e\`, which does it).`,
    );
  }
  for (const image of Object.values(IMAGES)) {
    const response = await fetch(`http://docker/images/${encodeURIComponent(image)}/json`, { unix: SOCKET });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`image ${image} is missing: run \`just images image-e2e\` first`);
  }
  return engine;
}

/** The socket's group: a non-root container needs it (`--group-add`) to talk to the daemon. */
export const socketGroup = () => statSync(SOCKET).gid;

/** Calls the Docker Engine API directly (test-side checks, never the code under test). */
export async function dockerApi<T>(method: string, path: string): Promise<T> {
  const response = await fetch(`http://docker${path}`, { method, unix: SOCKET });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Containers (running or not) carrying the backend's `function=<name>` label. */
export async function functionContainers(name: string): Promise<{ Id: string; Names: string[]; State: string }[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: ["app=nanofaas", `function=${name}`] }));
  return dockerApi("GET", `/containers/json?all=true&filters=${filters}`);
}

/** The shared `until` with the e2e suite's pace: 20 s by default, a probe every 50 ms. */
export const until = <T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> => untilCondition(probe, what, { timeoutMs, intervalMs: 50 });

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** One JSON call; `token` is sent as `Authorization: Bearer` (the image defaults to NANOFAAS_AUTH=apikey). */
export async function http<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
  token?: string,
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Plain text (metrics): keep it as is.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Collects a container's output lines (testcontainers log consumer) for assertions and failures. */
export class Lines {
  readonly lines: string[] = [];
  private partial = "";

  readonly consume = (stream: NodeJS.ReadableStream) => {
    stream.on("data", (chunk: Buffer | string) => {
      const text = this.partial + chunk.toString();
      const parts = text.split("\n");
      this.partial = parts.pop() ?? "";
      for (const line of parts) this.push(line);
    });
  };

  private push(line: string): void {
    this.lines.push(line);
    if (process.env.E2E_VERBOSE) process.stderr.write(`  | ${line}\n`);
  }

  json(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join("\n");
  }
}
