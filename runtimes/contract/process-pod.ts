/**
 * @module
 * Starts a pod as a child process for tests and guarantees it is gone afterwards. A pod either
 * announces its port (`PORT=0` and a `{"message":"listening","port":N}` log line on stdout or
 * stderr, as both runtimes and the watchdog do — the watchdog says `msg`) or is given a free port and polled on `/health` until it answers.
 */
import { resolve } from "node:path";
import type { ContractPod } from "./suite.ts";

export const REPO_ROOT = resolve(import.meta.dir, "../..");

/** For bun:test hooks that start pods: a busy 2-core machine can need more than bun's 5 s default. */
export const POD_HOOK_TIMEOUT_MS = 30_000;

// Variables of the pod contract: a test pod must get them from the test, never from whoever ran it.
const CONTRACT_VARS = new Set([
  "PORT",
  "TIMEOUT_MS",
  "EXECUTION_ID",
  "TRACE_ID",
  "CALLBACK_URL",
  "FUNCTION_NAME",
  "HANDLER",
  "HANDLER_MODULE",
  "HANDLER_FUNCTION",
  "EXECUTION_MODE",
  "WATCHDOG_CMD",
  "WARM",
  "WARM_PORT",
  "INVOCATION_PAYLOAD",
  "MAX_INFLIGHT",
  "MAX_OUTPUT_BYTES",
  "RUNTIME_URL",
  "HEALTH_URL",
]);

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !CONTRACT_VARS.has(key) && !key.startsWith("NANOFAAS_")) env[key] = value;
  }
  return { ...env, ...extra };
}

/** A port that was free a moment ago (for programs that cannot report the port they bound). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

export interface SpawnPodOptions {
  cmd: string[];
  env?: Record<string, string>;
  /** Preselected port to poll on /health; when absent PORT=0 and the pod must announce its port. */
  port?: number;
  readyTimeoutMs?: number;
}

export interface ProcessPod extends ContractPod {
  pid: number;
  exitCode(): number | null;
}

export async function spawnPod(options: SpawnPodOptions): Promise<ProcessPod> {
  const port = options.port;
  const env = cleanEnv({ PORT: String(port ?? 0), ...options.env });
  const proc = Bun.spawn(options.cmd, { cwd: REPO_ROOT, env, stdout: "pipe", stderr: "pipe" });
  let output = "";
  let announced: ((port: number) => void) | undefined;
  const announcement = new Promise<number>((resolvePort) => {
    announced = resolvePort;
  });
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      output += text;
      for (const match of text.matchAll(/"(?:message|msg)":\s*"listening"[^\n]*?"port":\s*(\d+)/g))
        announced?.(Number(match[1]));
    }
  };
  const drained = Promise.all([drain(proc.stdout), drain(proc.stderr)]);
  // A pod that exits before anyone stopped or signalled it is a finding in itself: say how it ended.
  let intended = false;
  let died: string | null = null;
  void proc.exited.then((code) => {
    if (!intended) died = `pid ${proc.pid} exited on its own (code ${code}, signal ${proc.signalCode ?? "none"})`;
  });

  const stop = async () => {
    intended = true;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 3000);
      await proc.exited;
      clearTimeout(timer);
    }
    await drained;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  const fail = async (why: string): Promise<never> => {
    await stop();
    throw new Error(`pod ${options.cmd.join(" ")} ${why}; output:\n${output}`);
  };
  let boundPort: number | undefined = port;
  if (boundPort === undefined) {
    const early = proc.exited.then(() => undefined);
    const timeout = Bun.sleep(Math.max(0, deadline - Date.now())).then(() => undefined);
    boundPort = await Promise.race([announcement, early, timeout]);
    if (boundPort === undefined) return fail("never announced its port");
  } else {
    while (!(await healthy(`http://127.0.0.1:${boundPort}`))) {
      if (proc.exitCode !== null || Date.now() > deadline) return fail("never became healthy");
      await Bun.sleep(25);
    }
  }
  return {
    baseUrl: `http://127.0.0.1:${boundPort}`,
    pid: proc.pid,
    stop,
    signal: (signal) => {
      intended = true;
      proc.kill(signal);
    },
    diedUnexpectedly: () => (died ? `${died}; output:\n${output}` : null),
    exited: proc.exited,
    exitCode: () => proc.exitCode,
    output: () => output,
  };
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(500) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
