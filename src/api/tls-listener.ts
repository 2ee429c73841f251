/**
 * @module
 * HTTPS for installs without Kubernetes (NANOFAAS_TLS_CERT_FILE / NANOFAAS_TLS_KEY_FILE): the API
 * listener terminates TLS itself and picks up a rotated certificate without a restart. Bun's
 * `server.reload()` keeps the TLS context it started with, so a rotation starts a second listener
 * on the same port (`reusePort`, SO_REUSEPORT) with the new files and then stops the old one
 * gracefully: new connections get the new certificate, open ones finish on the old. A rotation
 * caught half-written (unreadable or mismatched PEM) keeps the old listener and is tried again at
 * the next check.
 */
import { readFileSync, statSync } from "node:fs";

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

type ServeOptions = Bun.Serve.Options<undefined> & { port: number; hostname: string };

/** How often main.ts asks whether the files changed. */
export const TLS_CHECK_INTERVAL_MS = 5000;

const readTls = (files: TlsFiles) => ({
  cert: readFileSync(files.certFile, "utf8"),
  key: readFileSync(files.keyFile, "utf8"),
});

/** mtime and size of both files: what a rotation changes. */
const stamp = (files: TlsFiles) =>
  [files.certFile, files.keyFile]
    .map((path) => {
      const s = statSync(path);
      return `${s.mtimeMs}:${s.size}:${s.ino}`;
    })
    .join("|");

export class ReloadingTlsServer {
  private current: Bun.Server<undefined>;
  private seen: string;
  readonly url: URL;

  constructor(
    private readonly options: ServeOptions,
    private readonly files: TlsFiles,
    private readonly log: (event: string, fields?: Record<string, unknown>) => void,
  ) {
    this.seen = stamp(files);
    this.current = Bun.serve({ ...options, reusePort: true, tls: readTls(files) } as Bun.Serve.Options<undefined>);
    this.url = this.current.url;
  }

  get port(): number {
    return Number(this.url.port);
  }

  /** Starts a listener with the new files when they changed; true when it did. */
  async checkForChange(): Promise<boolean> {
    let now: string;
    try {
      now = stamp(this.files);
    } catch (error) {
      this.log("tls_reload_failed", { error: String(error) });
      return false;
    }
    if (now === this.seen) return false;
    try {
      const next = Bun.serve({
        ...this.options,
        port: this.port,
        reusePort: true,
        tls: readTls(this.files),
      } as Bun.Serve.Options<undefined>);
      const old = this.current;
      this.current = next;
      this.seen = now;
      await old.stop(false);
      this.log("tls_reloaded", { certFile: this.files.certFile });
      return true;
    } catch (error) {
      this.log("tls_reload_failed", { error: String(error) });
      return false;
    }
  }

  stop(closeActiveConnections = false): Promise<void> {
    return this.current.stop(closeActiveConnections);
  }
}
