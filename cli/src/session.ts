/**
 * @module
 * What every command needs, injected so the whole CLI runs in-process in unit tests: the process
 * streams and environment (`Io`), the connection to nanofaas (resolved lazily from the global
 * flags, so commands that need no server never read the config file) and the output format.
 */
import type { Api } from "./api";
import type { Env } from "./config";
import type { Credential } from "./credentials";
import type { Format } from "./output";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
  env: Env;
  cwd: string;
  /** The running executable (a compiled CLI finds its checkout from there). */
  execPath: string;
  /** Waits between polls; injected so watch tests need not sleep. */
  sleep(ms: number): Promise<void>;
}

export interface GlobalFlags {
  endpoint?: string;
  context?: string;
  config?: string;
  output?: string;
}

export interface Session {
  io: Io;
  flags(): GlobalFlags;
  /** The connection, sending the resolved credential (or `credential`, e.g. one `login` checks). */
  api(credential?: Credential): Promise<Api>;
  /** The `--output` format, or undefined when the command's natural default applies. */
  format(): Format | undefined;
}
