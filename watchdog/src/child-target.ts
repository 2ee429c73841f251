/**
 * @module
 * Where the HTTP-mode child listens and is probed, for images built for the reference watchdog
 * (issue 15.5). Its port, in order: `CHILD_PORT`; the port of `RUNTIME_URL` (the reference's way of
 * pointing the watchdog at a runtime on a fixed port); the port the command itself names
 * (`uvicorn … --port 8081`, `gunicorn --bind 0.0.0.0:8081`: the reference's Python SDK is run that
 * way and ignores `PORT`); else a free loopback port, handed to the child in `PORT`.
 * `RUNTIME_URL` is where invocations go and `HEALTH_URL` where readiness is probed (default: the
 * runtime URL with `/invoke` replaced by `/health`, as in the reference).
 */

export interface ChildTarget {
  /** 0 = a free loopback port at each (re)start. */
  childPort: number;
  runtimeUrl?: string;
  healthUrl?: string;
}

export interface ChildTargetInput {
  childPort: number;
  runtimeUrl?: string;
  healthUrl?: string;
  command: readonly string[];
  /** The warm server's own port (0 = none fixed). */
  ownPort: number;
}

export function resolveChildTarget(input: ChildTargetInput, problems: string[]): ChildTarget {
  const runtimeUrl = httpUrl("RUNTIME_URL", input.runtimeUrl, problems);
  const healthUrl = httpUrl("HEALTH_URL", input.healthUrl, problems);
  const fromUrl = runtimeUrl === undefined ? undefined : portOf(new URL(runtimeUrl));
  const fromCommand = commandPort(input.command);
  const childPort = input.childPort || fromUrl || fromCommand || 0;
  if (childPort !== 0 && childPort === input.ownPort) {
    const source = input.childPort ? "CHILD_PORT" : fromUrl ? "RUNTIME_URL" : "WATCHDOG_CMD";
    problems.push(
      `${source} puts the function runtime on port ${childPort}, which is the port the watchdog itself listens on (WARM_PORT/PORT)`,
    );
  }
  return { childPort, runtimeUrl, healthUrl };
}

/** The invoke and health URLs of a child listening on `port`. */
export function childUrls(target: Omit<ChildTarget, "childPort">, port: number): { invoke: string; health: string } {
  const invoke = target.runtimeUrl ?? `http://127.0.0.1:${port}/invoke`;
  const health =
    target.healthUrl ??
    (target.runtimeUrl
      ? target.runtimeUrl.replace(/\/invoke(?=$|[?#])/, "/health")
      : `http://127.0.0.1:${port}/health`);
  return { invoke, health };
}

/** A port named by the command: `--port N`, `--port=N`, `--bind host:N`, `-b host:N`. */
export function commandPort(argv: readonly string[]): number | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = inline ?? argv[i + 1];
    if (value === undefined) continue;
    if (flag === "--port") return validPort(value);
    if (flag === "--bind" || flag === "-b") return validPort(value.slice(value.lastIndexOf(":") + 1));
  }
  return undefined;
}

function validPort(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

function httpUrl(name: string, raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  if (URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol)) return raw;
  problems.push(`${name}=${JSON.stringify(raw)} is invalid: expected an http(s) URL`);
  return undefined;
}
