/**
 * @module
 * The API keys a control plane accepts: bootstrap keys from NANOFAAS_API_KEYS_FILE plus keys made
 * through `/v1/apikeys` (persisted in the store). Held in memory by the SHA-256 of their secret, so
 * checking a presented key is one hash and one map lookup; creation and revocation write through
 * to the store first, then change the map (revocation takes effect on the next request). Control
 * planes sharing one store see each other's creations and revocations through a periodic
 * `refresh` (NANOFAAS_API_KEYS_REFRESH).
 */
import type { ApiKeyRow, ApiKeyRows } from "../store/state-store";
import { keyPrefix, newKeySecret, sha256Hex } from "./api-key-secret";
import { type ScopeSet, scopeSet } from "./scopes";

export type KeySource = "api" | "file";

export interface ApiKey extends Omit<ApiKeyRow, "scopes"> {
  scopes: ScopeSet;
  source: KeySource;
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  tenant: string;
  expiresAt: number | null;
}

/** What a presented secret resolves to. */
export type KeyCheck = { key: ApiKey } | { problem: "unknown" | "expired" };

export class ApiKeyRegistry {
  private readonly byDigest = new Map<string, ApiKey>();
  private readonly byId = new Map<string, ApiKey>();
  private readonly recentDigests = new Map<string, string>();
  /** Bumped by every local create/revoke, so a refresh can tell its snapshot went stale meanwhile. */
  private mutations = 0;

  constructor(
    private readonly rows: ApiKeyRows,
    private readonly now: () => number = Date.now,
    private readonly newId: () => string = () => crypto.randomUUID(),
  ) {}

  /** Start-up: the file's keys, then the store's (a stored key never shadows a file key). */
  async load(fileKeys: readonly ApiKeyRow[]): Promise<void> {
    for (const row of fileKeys) this.remember(row, "file");
    for (const row of await this.rows.loadAll()) if (!this.byDigest.has(row.keySha256)) this.remember(row, "api");
  }

  check(secret: string): KeyCheck {
    const digest = this.digestOf(secret);
    const key = this.byDigest.get(digest);
    // Keyed by the SHA-256 of the secret, never the secret: a lookup's timing can tell an attacker
    // at most about a digest they cannot invert, so a second, constant-time comparison adds nothing.
    if (!key) return { problem: "unknown" };
    if (key.expiresAt !== null && key.expiresAt <= this.now()) return { problem: "expired" };
    return { key };
  }

  /** Persists a new key; the secret is returned here and never again. */
  async create(input: NewApiKey): Promise<{ key: ApiKey; secret: string }> {
    const secret = newKeySecret();
    const row: ApiKeyRow = {
      id: this.newId(),
      name: input.name,
      prefix: keyPrefix(secret),
      keySha256: sha256Hex(secret),
      scopes: input.scopes,
      tenant: input.tenant,
      createdAt: this.now(),
      expiresAt: input.expiresAt,
    };
    await this.rows.put(row);
    this.mutations++;
    return { key: this.remember(row, "api"), secret };
  }

  /** Newest first. */
  list(): ApiKey[] {
    return [...this.byId.values()].sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  get(id: string): ApiKey | undefined {
    return this.byId.get(id);
  }

  /** `file` keys are revoked by editing the file; true once an `api` key is gone. */
  async revoke(id: string): Promise<boolean | "file"> {
    const key = this.byId.get(id);
    if (!key) return false;
    if (key.source === "file") return "file";
    await this.rows.delete(id);
    this.mutations++;
    this.forget(key);
    return true;
  }

  /**
   * Re-reads the store's keys (another control plane sharing the store may have created or revoked
   * some); file keys stay. A snapshot read while this control plane created or revoked a key is
   * read again: applied as is, it could bring back a key just revoked here, or drop one just made.
   */
  async refresh(): Promise<void> {
    let stored: ApiKeyRow[];
    for (let attempt = 0; ; attempt++) {
      const before = this.mutations;
      stored = await this.rows.loadAll();
      if (this.mutations === before) break;
      if (attempt === 2) return; // keys keep changing here; the next tick tries again
    }
    const live = new Set(stored.map((row) => row.id));
    for (const key of this.byId.values()) if (key.source === "api" && !live.has(key.id)) this.forget(key);
    for (const row of stored)
      if (!this.byId.has(row.id) && !this.byDigest.has(row.keySha256)) this.remember(row, "api");
  }

  /** Calls `refresh` every `intervalMs` (0: never); a failed read keeps the keys held. Returns the stop. */
  startRefreshing(intervalMs: number, onError: (error: unknown) => void): () => void {
    if (intervalMs <= 0) return () => {};
    let running = false;
    const timer = setInterval(() => {
      if (running) return; // a slow store: never two reads at once
      running = true;
      this.refresh()
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /**
   * SHA-256 of a presented secret, remembered for the next request with the same bearer (measured:
   * hashing on every call cost a quarter of in-process :invoke throughput). Bounded; a revoked key's
   * digest stays cached but no longer finds a key.
   */
  private digestOf(secret: string): string {
    let digest = this.recentDigests.get(secret);
    if (digest === undefined) {
      digest = sha256Hex(secret);
      if (this.recentDigests.size >= 1024) this.recentDigests.clear();
      this.recentDigests.set(secret, digest);
    }
    return digest;
  }

  private remember(row: ApiKeyRow, source: KeySource): ApiKey {
    const key: ApiKey = { ...row, scopes: scopeSet(row.scopes), source };
    this.byDigest.set(row.keySha256, key);
    this.byId.set(row.id, key);
    return key;
  }

  private forget(key: ApiKey): void {
    this.byDigest.delete(key.keySha256);
    this.byId.delete(key.id);
  }
}
