/**
 * @module
 * A real NATS server with JetStream (Debian's `nats-server`, issue 21) for the tools tier: a free
 * loopback port, its store in a temp dir, started by the test itself. `restart()` stops it and
 * starts it again on the same port and store (a broker restart under a running consumer).
 * `just test-tools` installs the package when missing (scripts/ensure-tools.sh).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accepting, freePort } from "./loopback";
import { until } from "./until";

export interface NatsServer {
  url: string;
  port: number;
  /** Everything the server wrote so far (for failure messages). */
  log: () => string;
  stop: () => Promise<void>;
  restart: () => Promise<void>;
  /** Stops the server and removes its store. */
  close: () => Promise<void>;
}

export async function startNatsServer(): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "nanofaas-nats-"));
  const port = freePort();
  let output = "";
  let child: Bun.Subprocess<"ignore", "ignore", "pipe"> | undefined;
  const launch = async () => {
    child = Bun.spawn(["nats-server", "-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], {
      stdin: "ignore",
      stdout: "ignore",
      stderr: "pipe",
    });
    void new Response(child.stderr).text().then((text) => {
      output += text;
    });
    await until(() => accepting(port), `nats-server on port ${port}`, { timeoutMs: 15_000, detail: () => output });
  };
  const stop = async () => {
    child?.kill("SIGTERM");
    await child?.exited;
  };
  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    log: () => output,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
