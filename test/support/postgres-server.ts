/**
 * @module
 * A real PostgreSQL server for the PostgreSQL tier (issue 17): Debian's `postgresql` package,
 * installed by `scripts/ensure-tools.sh` when missing, `initdb` in a fresh temp dir, `postgres`
 * listening on a free loopback port (and its unix socket in the same dir), trust auth, one database.
 * No mock database anywhere: the store tests talk to this server. `stop()`/`start()` let fault
 * tests take the database away and bring it back on the same port with the same data.
 *
 * `initdb` and `postgres` refuse to run as root (CI runs as root): then both run as the `postgres`
 * user the Debian package creates (`setpriv`, which execs in place, so the pid we hold is the
 * server's own and signals reach it), and the temp dir is handed to that user.
 */
import { afterAll, beforeAll } from "bun:test";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { until } from "./until";

const REPO = new URL("../..", import.meta.url).pathname;
const PG_ROOT = "/usr/lib/postgresql";

export interface PostgresServer {
  /** `postgres://nanofaas@127.0.0.1:PORT/nanofaas` */
  url: string;
  port: number;
  /** Server log so far (for failure messages). */
  log: () => string;
  /** Stops the server (fast shutdown), keeping its data: `start()` brings it back on the same port. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Creates another empty database on this server; returns its URL. */
  createDatabase: (name: string) => Promise<string>;
  /** Runs one of the server's client programs (psql, pg_dump, pg_restore …) as the server's user. */
  run: (program: string, args: string[]) => { exitCode: number; stdout: string; stderr: string };
  /** Stops the server and removes its directory. */
  destroy: () => Promise<void>;
}

/** The newest installed server's bin dir, installing Debian's `postgresql` when there is none. */
export function postgresBinDir(): string {
  const find = () => {
    let versions: string[] = [];
    try {
      versions = readdirSync(PG_ROOT).filter((v) => Bun.file(join(PG_ROOT, v, "bin", "initdb")).size > 0);
    } catch {
      // no /usr/lib/postgresql at all
    }
    versions.sort((a, b) => Number(b) - Number(a));
    return versions[0] === undefined ? undefined : join(PG_ROOT, versions[0], "bin");
  };
  const found = find();
  if (found) return found;
  const proc = Bun.spawnSync(["scripts/ensure-tools.sh", `${PG_ROOT}/*/bin/initdb=postgresql`], {
    cwd: REPO,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (proc.exitCode !== 0) throw new Error(`installing postgresql failed:\n${proc.stderr.toString()}`);
  const installed = find();
  if (!installed) throw new Error(`postgresql installed but no ${PG_ROOT}/*/bin/initdb found`);
  return installed;
}

/** A port the kernel just handed out on loopback (free now; postgres binds it right after). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Prefix that drops root to the `postgres` user (uid/gid looked up once), or nothing when not root. */
function asServerUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const entry = Bun.spawnSync(["getent", "passwd", "postgres"], { stdout: "pipe" }).stdout.toString().trim();
  const [, , uid, gid] = entry.split(":");
  if (!uid || !gid) throw new Error("running as root and there is no `postgres` user to run the server as");
  return {
    prefix: ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--"],
    uid: Number(uid),
    gid: Number(gid),
  };
}

/** Hands each decoded chunk of `stream` to `onText` as it arrives. */
async function collect(stream: ReadableStream<Uint8Array>, onText: (text: string) => void) {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    onText(decoder.decode(chunk.value, { stream: true }));
  }
}

/** initdb + start + createdb; resolves once the server accepts connections. */
export async function startPostgres(options: { database?: string; fsync?: boolean } = {}): Promise<PostgresServer> {
  const { database = "nanofaas", fsync = false } = options;
  const bin = postgresBinDir();
  const user = asServerUser();
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-pg-"));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = join(dir, "data");
  const run = (program: string, args: string[]) => {
    const proc = Bun.spawnSync([...user.prefix, join(bin, program), ...args], {
      cwd: dir,
      stdout: "pipe",
      stderr: "pipe",
    });
    return { exitCode: proc.exitCode, stdout: proc.stdout.toString(), stderr: proc.stderr.toString() };
  };
  const init = run("initdb", ["-D", data, "-A", "trust", "-U", "nanofaas", "-E", "UTF8", "--no-sync"]);
  if (init.exitCode !== 0) throw new Error(`initdb failed:\n${init.stderr}`);
  const port = await freePort();
  let child: Bun.Subprocess<"ignore", "ignore", "pipe"> | undefined;
  let output = "";
  const start = async () => {
    const args = ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir];
    // fsync off by default: the tests check the store's logic and a server restart, not the disk
    // (a SIGINT'd or SIGKILL'd control plane never needs it); the client benchmark turns it on.
    if (!fsync) args.push("-c", "fsync=off", "-c", "synchronous_commit=off");
    child = Bun.spawn([...user.prefix, join(bin, "postgres"), ...args], {
      cwd: dir,
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
      env: { ...process.env, LC_ALL: "C" },
    });
    void collect(child.stderr, (text) => {
      output += text;
    });
    const ready = () => run("pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-U", "nanofaas"]).exitCode === 0;
    await until(() => child?.exitCode === null && ready(), `postgres on port ${port}`, {
      timeoutMs: 30_000,
      intervalMs: 50,
      detail: () => output,
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    child.kill("SIGINT"); // fast shutdown: disconnects clients, aborts their transactions
    await child.exited;
  };
  await start();
  const createDatabase = async (name: string) => {
    const made = run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "nanofaas", name]);
    if (made.exitCode !== 0) throw new Error(`createdb ${name} failed:\n${made.stderr}`);
    return `postgres://nanofaas@127.0.0.1:${port}/${name}`;
  };
  const url = await createDatabase(database);
  return {
    url,
    port,
    log: () => output,
    stop,
    start,
    createDatabase,
    run,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One server for the calling test file: started before its tests, removed after them. */
export function usePostgresServer(): () => PostgresServer {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.destroy();
  });
  return () => {
    if (!server) throw new Error("the PostgreSQL server is not started (use it inside a test)");
    return server;
  };
}
