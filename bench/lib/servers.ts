/**
 * @module
 * The processes a bench run compares: the echo pod, the minimal Bun forwarder, nginx as a
 * keep-alive reverse proxy and the nanofaas control plane — each started on a free loopback port,
 * optionally pinned to CPUs with `taskset`, and stopped at the end.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dir, "../..");
const SERVERS = join(ROOT, "bench/servers");

/** Bun's outgoing-request cap is 256 by default; raise it so it never queues a dispatch (max 65535). */
export const MAX_HTTP_REQUESTS = "65535";

export interface Running {
  name: string;
  pid: number;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  base: string;
  /** Exit code once the process has ended on its own (a crash mid-run), else undefined. */
  exitCode(): number | string | null | undefined;
  stop(): Promise<void>;
}

export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = listener.port;
  listener.stop(true);
  return port;
}

export async function waitFor200(url: string, limitMs = 15_000): Promise<number> {
  const start = performance.now();
  const deadline = start + limitMs;
  while (performance.now() < deadline) {
    const res = await fetch(url).catch(() => undefined);
    if (res) await res.arrayBuffer();
    if (res?.status === 200) return performance.now() - start;
    await Bun.sleep(2);
  }
  throw new Error(`no 200 from ${url} within ${limitMs} ms`);
}

/** `taskset -c <cpus>` prefix when pinning was asked for. */
export const pinned = (cpus: string | undefined, cmd: string[]) => (cpus ? ["taskset", "-c", cpus, ...cmd] : cmd);

interface SpawnOptions {
  name: string;
  cmd: string[];
  env?: Record<string, string>;
  port: number;
  readyPath: string;
  cpus?: string;
  /** Where stdout goes (default: discarded). */
  stdout?: "ignore" | "inherit";
  stopSignal?: NodeJS.Signals;
}

async function spawnServer(o: SpawnOptions): Promise<Running> {
  const proc = Bun.spawn(pinned(o.cpus, o.cmd), {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    stdout: o.stdout ?? "ignore",
    stderr: "inherit",
  });
  const base = `http://127.0.0.1:${o.port}`;
  try {
    await waitFor200(base + o.readyPath);
  } catch (error) {
    proc.kill("SIGKILL");
    throw new Error(`${o.name} did not start: ${(error as Error).message}`);
  }
  let exited: number | string | null | undefined;
  void proc.exited.then((code) => {
    exited = code ?? proc.signalCode ?? null;
  });
  return {
    name: o.name,
    pid: proc.pid,
    port: o.port,
    base,
    exitCode: () => exited,
    async stop() {
      proc.kill(o.stopSignal ?? "SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(killer);
    },
  };
}

export function startPod(cpus?: string): Promise<Running> {
  const port = freePort();
  return spawnServer({
    name: "pod",
    cmd: [process.execPath, join(SERVERS, "pod.ts")],
    env: { PORT: String(port) },
    port,
    readyPath: "/health",
    cpus,
  });
}

export function startForwarder(upstream: string, cpus?: string): Promise<Running> {
  const port = freePort();
  return spawnServer({
    name: "forwarder",
    cmd: [process.execPath, join(SERVERS, "forwarder.ts")],
    env: { PORT: String(port), UPSTREAM: upstream, BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_HTTP_REQUESTS },
    port,
    readyPath: "/health",
    cpus,
  });
}

export function nginxBinary(): string {
  const found = Bun.which("nginx") ?? ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find(existsSync);
  if (!found) throw new Error("nginx not found (apt-get install -y nginx-light)");
  return found;
}

/** nginx as an operator would put it in front of a pod: one worker, upstream keep-alive, no access log. */
export function startNginx(dir: string, upstreamPort: number, cpus?: string): Promise<Running> {
  const port = freePort();
  const temp = join(dir, "nginx");
  mkdirSync(temp, { recursive: true });
  chmodSync(temp, 0o777); // workers run as `nobody` when the bench runs as root
  const conf = join(temp, "nginx.conf");
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${temp}/nginx.pid;
error_log ${temp}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  upstream pod {
    server 127.0.0.1:${upstreamPort};
    keepalive 256;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location = /health { return 200 "ok"; }
    location / {
      proxy_pass http://pod/invoke;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`,
  );
  return spawnServer({
    name: "nginx",
    cmd: [nginxBinary(), "-p", temp, "-e", join(temp, "error.log"), "-c", conf, "-g", "daemon off; master_process on;"],
    port,
    readyPath: "/health",
    cpus,
    stopSignal: "SIGQUIT",
  });
}

export interface NanofaasOptions {
  /** Command to run (default: `bun src/main.ts`); the compiled binary for start-up runs. */
  cmd?: string[];
  logLevel?: string;
  env?: Record<string, string>;
  cpus?: string;
  name?: string;
  /** Polled until it answers 200 (default `/v1/functions`; a public path when auth is on). */
  readyPath?: string;
}

export async function startNanofaas(o: NanofaasOptions = {}): Promise<Running & { management: string }> {
  const port = freePort();
  const managementPort = freePort();
  const running = await spawnServer({
    name: o.name ?? "nanofaas",
    cmd: o.cmd ?? [process.execPath, join(ROOT, "src/main.ts")],
    env: {
      NANOFAAS_DEPLOYMENT_BACKEND: "none",
      NANOFAAS_BIND_HOST: "127.0.0.1",
      SERVER_PORT: String(port),
      MANAGEMENT_SERVER_PORT: String(managementPort),
      NANOFAAS_LOG_LEVEL: o.logLevel ?? "warn",
      BUN_CONFIG_MAX_HTTP_REQUESTS: MAX_HTTP_REQUESTS,
      // The in-memory store unless a run asks for a durable one (the sqlite targets pass their own).
      NANOFAAS_STORE: "memory",
      ...o.env,
    },
    port,
    readyPath: o.readyPath ?? "/v1/functions",
    cpus: o.cpus,
  });
  return { ...running, management: `http://127.0.0.1:${managementPort}` };
}

/** The spec of a benchmark POOL function (POST it to register, PUT it for a new version). */
export function poolSpec(
  name: string,
  endpointUrl: string,
  concurrency: number,
  queueSize: number,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    image: "bench/echo",
    executionMode: "POOL",
    endpointUrl,
    concurrency,
    queueSize,
    maxRetries: 1,
    ...more,
  };
}

/** Registers a POOL function pointing at `endpointUrl` (`extra.spec`: more spec fields, e.g. a breaker). */
export async function registerPoolFunction(
  base: string,
  name: string,
  endpointUrl: string,
  concurrency: number,
  queueSize: number,
  extra: { authorization?: string; spec?: Record<string, unknown> } = {},
): Promise<void> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (extra.authorization) headers.Authorization = extra.authorization;
  const res = await fetch(`${base}/v1/functions`, {
    method: "POST",
    headers,
    body: JSON.stringify(poolSpec(name, endpointUrl, concurrency, queueSize, extra.spec)),
  });
  const text = await res.text();
  if (res.status !== 201 && res.status !== 200) throw new Error(`register ${name}: ${res.status} ${text}`);
}
