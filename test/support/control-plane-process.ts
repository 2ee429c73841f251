/**
 * @module
 * The real control plane as a child process (`bun src/main.ts`), as `npm start` runs it: free ports
 * (SERVER_PORT=0), loopback, and the JSON log lines it writes collected as they arrive. For what
 * only the process shows: start-up output, Bun's own limits, ports, a PATH without a tool.
 */
import { until } from "./until";

export const REPO = new URL("../..", import.meta.url).pathname;

export type LogLine = Record<string, unknown> & { msg: string };

export interface ControlPlaneProcess {
  child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  lines: LogLine[];
  /** Everything written to stderr so far. */
  stderr: () => string;
  /** `http://127.0.0.1:port`, no trailing slash; set once the process logged "started". */
  api: string;
  management: string;
  started: LogLine;
  /** Exit code, once the process has exited and all of its output has been read. */
  exited: () => Promise<number>;
  stop: () => Promise<void>;
}

/** Spawns the control plane; without `waitForStart`, resolves at once (for start-up failures). */
export function spawnControlPlane(env: Record<string, string> = {}) {
  const child = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      NANOFAAS_DEPLOYMENT_BACKEND: "none",
      NANOFAAS_BIND_HOST: "127.0.0.1",
      // Nothing on disk unless a test asks for a store (crash tests pass NANOFAAS_STORE and a temp data dir).
      NANOFAAS_STORE: "memory",
      SERVER_PORT: "0",
      MANAGEMENT_SERVER_PORT: "0",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: LogLine[] = [];
  let stderr = "";
  const read = async (stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) => {
    let buffer = "";
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    }
    if (buffer) onLine(buffer);
  };
  const output = Promise.all([
    read(child.stdout, (line) => lines.push(JSON.parse(line) as LogLine)),
    read(child.stderr, (line) => {
      stderr += `${line}\n`;
    }),
  ]);
  /** Exit code, once the process has exited and all of its output has been read. */
  const exited = async () => {
    const code = await child.exited;
    await output;
    return code;
  };
  return { child, lines, stderr: () => stderr, exited };
}

/** Spawns the control plane and waits until it logged "started" (or fails with its stderr). */
export async function startControlPlane(env: Record<string, string> = {}): Promise<ControlPlaneProcess> {
  const proc = spawnControlPlane(env);
  const started = await until(() => proc.lines.find((l) => l.msg === "started"), "the control plane's started line", {
    timeoutMs: 15_000,
    detail: proc.stderr,
  });
  const base = (url: unknown) => String(url).replace(/\/$/, "");
  return {
    ...proc,
    started,
    api: base(started.api),
    management: base(started.management),
    stop: async () => {
      proc.child.kill("SIGTERM");
      await proc.exited();
    },
  };
}
