/**
 * @module
 * Picks and opens the state store named by the configuration (NANOFAAS_STORE): `sqlite` (default,
 * `nanofaas.db` in NANOFAAS_DATA_DIR, created when missing), `postgres` (NANOFAAS_DATABASE_URL) or
 * `memory`. Every way start-up can fail here — a data directory that cannot be created or written,
 * a file that is not a SQLite database, a schema newer than this build — becomes one
 * StoreStartupError whose message says what to do; main.ts prints it and exits non-zero.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/config";
import type { Logger } from "../observability/logger";
import { createMemoryStore } from "./memory/memory-store";
import { createSqliteStore } from "./sqlite/sqlite-store";
import { SchemaTooNewError, type StateStore } from "./state-store";

export const SQLITE_FILE = "nanofaas.db";

export class StoreStartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreStartupError";
  }
}

export interface CreateStoreOptions {
  /** Told when the store stops (or starts again) being able to persist; main.ts logs it. */
  onHealthChange?(healthy: boolean, error?: unknown): void;
  /** Where a store logs what it does on its own (PostgreSQL: start-up connection retries). */
  logger?: Logger;
  /** This control plane's id among replicas sharing a PostgreSQL store (issue 20). */
  replicaId?: string;
}

/** The PostgreSQL store's module, typed without loading it (it is imported only when chosen). */
type PostgresModule = typeof import("./postgres/create-postgres-store");

type StoreConfig = Pick<Config, "store" | "dataDir" | "databaseUrl" | "sqliteSynchronous">;

export async function createStore(config: StoreConfig, options: CreateStoreOptions = {}): Promise<StateStore> {
  switch (config.store) {
    case "memory":
      return createMemoryStore();
    case "sqlite":
      return openSqlite(config, options);
    case "postgres":
      return openPostgres(config, options);
  }
}

/** Creates the data directory when missing and checks that it can be written. */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new StoreStartupError(
      `NANOFAAS_DATA_DIR: cannot create ${dir} (${(error as Error).message}); point it at a writable directory`,
      { cause: error },
    );
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new StoreStartupError(
      `NANOFAAS_DATA_DIR: ${dir} is not writable by this process; fix its permissions or point NANOFAAS_DATA_DIR elsewhere`,
      {
        cause: error,
      },
    );
  }
  return dir;
}

function openSqlite(config: StoreConfig, options: CreateStoreOptions): StateStore {
  const path = join(prepareDataDir(config.dataDir), SQLITE_FILE);
  try {
    return createSqliteStore({
      path,
      synchronous: config.sqliteSynchronous,
      onHealthChange: options.onHealthChange,
      logger: options.logger,
    });
  } catch (error) {
    throw new StoreStartupError(explainSqliteOpenFailure(path, error), { cause: error });
  }
}

function explainSqliteOpenFailure(path: string, error: unknown): string {
  if (error instanceof SchemaTooNewError) return `${path}: ${error.message}`;
  const code = (error as { code?: string }).code ?? "";
  const message = (error as Error).message;
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return `${path} is not a readable nanofaas database (${message}): it is corrupt or not a SQLite file; restore a backup (docs/persistence.md) or move it away to start empty`;
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code.startsWith("SQLITE_PERM")) {
    return `${path} cannot be opened for writing (${message}); check that the file and NANOFAAS_DATA_DIR are writable`;
  }
  return `${path} could not be opened (${code || "error"}: ${message})`;
}

async function openPostgres(config: StoreConfig, options: CreateStoreOptions): Promise<StateStore> {
  const url = config.databaseUrl;
  if (url === undefined) throw new StoreStartupError("NANOFAAS_DATABASE_URL: required when NANOFAAS_STORE=postgres");
  let module: PostgresModule;
  try {
    // A variable specifier: the PostgreSQL store is its own module, loaded only when chosen.
    const specifier = "./postgres/create-postgres-store";
    module = (await import(specifier)) as PostgresModule;
  } catch (error) {
    throw new StoreStartupError(
      `NANOFAAS_STORE=postgres is not available in this build (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  try {
    return await module.createPostgresStore(url, {
      onHealthChange: options.onHealthChange,
      logger: options.logger,
      replicaId: options.replicaId,
    });
  } catch (error) {
    // unreachable after the start-up retries, refused credentials, a schema newer than this build
    throw new StoreStartupError(`NANOFAAS_STORE=postgres: ${(error as Error).message}`, { cause: error });
  }
}
