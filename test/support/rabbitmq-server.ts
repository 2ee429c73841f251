/**
 * @module
 * A real RabbitMQ broker (Debian's `rabbitmq-server`, issue 21) for the tools tier: a private node —
 * its own node name, cookie, AMQP, distribution and epmd ports on loopback, everything it writes in a
 * temp dir — started by the test itself. `restart()` stops it and starts it again on the same ports
 * and data (a broker restart under a running consumer). `just test-tools` installs the package when
 * missing (scripts/ensure-tools.sh).
 *
 * Why it is started this way:
 * - `/usr/lib/rabbitmq/bin/rabbitmq-server`, not the `/usr/sbin` wrapper: the wrapper switches to
 *   the `rabbitmq` user, who cannot write our temp dir. The script stays in the foreground and
 *   turns SIGTERM into a clean stop of the Erlang VM.
 * - `RABBITMQ_CONF_ENV_FILE` points at an empty file so /etc/rabbitmq/rabbitmq-env.conf (a machine's
 *   own settings) is not read; `HOME` holds the node's `.erlang.cookie`.
 * - epmd (Erlang's port mapper, which the node needs) is started here, in the foreground on a
 *   private port, so the test owns it and stops it; otherwise the node would start a daemon that
 *   outlives the test.
 * It takes about 13 s to accept AMQP on a loaded 2-core machine.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accepting, freePort } from "./loopback";
import { until } from "./until";

export interface RabbitMqServer {
  /** `amqp://guest:guest@127.0.0.1:<port>` (guest may log in from loopback: `loopback_users = none`). */
  url: string;
  port: number;
  /** Everything the node wrote to its console and log file so far (for failure messages). */
  log: () => string;
  stop: () => Promise<void>;
  restart: () => Promise<void>;
  /** Stops the node and epmd and removes the temp dir. */
  close: () => Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

export async function startRabbitMqServer(): Promise<RabbitMqServer> {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-rabbitmq-"));
  const home = join(dir, "home");
  mkdirSync(home);
  const cookie = join(home, ".erlang.cookie");
  writeFileSync(cookie, `nanofaastest${crypto.randomUUID().replaceAll("-", "")}`, { mode: 0o400 });
  writeFileSync(join(dir, "rabbitmq-env.conf"), "");
  writeFileSync(join(dir, "enabled_plugins"), "[].\n");
  const port = freePort();
  const distPort = freePort();
  const epmdPort = freePort();
  writeFileSync(join(dir, "rabbitmq.conf"), `listeners.tcp.1 = 127.0.0.1:${port}\nloopback_users = none\n`);
  const nodeName = `nanofaas-test-${port}@localhost`;
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    // The distribution listener on loopback too (it listens on every interface by default).
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, "feature_flags"),
    RABBITMQ_LOG_BASE: join(dir, "log"),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
    RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq"),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
    RABBITMQ_PID_FILE: join(dir, "rabbitmq.pid"),
  };
  const epmd = Bun.spawn(["epmd", "-port", String(epmdPort), "-address", "127.0.0.1"], {
    env,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  let output = "";
  let node: Bun.Subprocess<"ignore", "pipe", "pipe"> | undefined;
  const logFile = () => {
    try {
      return readFileSync(join(dir, "log", `${nodeName}.log`), "utf8");
    } catch {
      return "";
    }
  };
  const log = () => `${output}\n${logFile()}`;
  const launch = async () => {
    node = Bun.spawn(["/usr/lib/rabbitmq/bin/rabbitmq-server"], {
      env,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    for (const stream of [node.stdout, node.stderr]) {
      void new Response(stream).text().then((text) => {
        output += text;
      });
    }
    const child = node;
    let exited = false;
    void child.exited.then(() => {
      exited = true;
    });
    await until(
      async () => {
        if (exited) throw new Error(`rabbitmq-server exited with ${child.exitCode}`);
        return accepting(port);
      },
      `rabbitmq-server on port ${port}`,
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 200, detail: log },
    );
  };
  /** SIGTERM: the script stops the VM cleanly; the VM is killed if it has not stopped in time. */
  const stop = async () => {
    const child = node;
    node = undefined;
    if (!child || child.exitCode !== null) return;
    let vmPid: number | undefined;
    try {
      vmPid = Number(readFileSync(env.RABBITMQ_PID_FILE, "utf8").trim()) || undefined;
    } catch {}
    child.kill("SIGTERM");
    const stopped = await Promise.race([child.exited.then(() => true), Bun.sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!stopped) {
      if (vmPid !== undefined) process.kill(vmPid, "SIGKILL");
      child.kill("SIGKILL");
      await child.exited;
    }
    await until(async () => !(await accepting(port)), `rabbitmq-server on port ${port} to stop`, 10_000);
  };
  try {
    await launch();
  } catch (error) {
    await stop().catch(() => undefined);
    epmd.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    log,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    close: async () => {
      await stop();
      epmd.kill("SIGTERM");
      await epmd.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
