/**
 * @module
 * The OIDC issuer's signing keys: the JWKS found through the issuer's discovery document (or a
 * configured JWKS URL), cached in memory. A token whose `kid` the cache does not know triggers one
 * refetch (the issuer rotated its keys), at most once per `refetchCooldownMs`, so a stream of
 * tokens with made-up key ids cannot make us hammer the issuer. Every fetch has a timeout and a
 * size bound; when a refresh fails the previous keys stay in use (an issuer outage does not log
 * everyone out), and only with no keys at all does verification fail.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWSHeaderParameters, type LocalJWKSet } from "jose";

export interface IssuerKeysOptions {
  issuer: string;
  /** Skips discovery when set. */
  jwksUrl?: string;
  /** Per HTTP request (discovery or JWKS). */
  timeoutMs?: number;
  /** Keys older than this are refetched before use (kept if the refetch fails). */
  maxAgeMs?: number;
  /** Minimum time between two fetches triggered by an unknown `kid` or a failure. */
  refetchCooldownMs?: number;
  now?: () => number;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** Thrown when the issuer's keys cannot be had at all (discovery or JWKS unreachable, bad JSON). */
export class IssuerUnavailableError extends Error {}

const MAX_DOCUMENT_BYTES = 1 << 20;

export class IssuerKeys {
  private keys: LocalJWKSet | undefined;
  private jwksUrl: string | undefined;
  private fetchedAt = 0;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  /** How many times the JWKS was fetched (tests and logs). */
  fetches = 0;
  /** Bumped by every JWKS fetched: a token verified under an older generation is checked again. */
  generation = 0;
  private readonly timeoutMs: number;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;
  private readonly fetchImpl: (url: string, init: RequestInit) => Promise<Response>;

  constructor(private readonly options: IssuerKeysOptions) {
    this.jwksUrl = options.jwksUrl;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.cooldownMs = options.refetchCooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** The key a token's header names; the shape `jwtVerify` takes as its key resolver. */
  readonly resolve = async (header: JWSHeaderParameters, token: unknown): Promise<CryptoKey> => {
    if (!this.keys) await this.refresh(false);
    else if (this.now() - this.fetchedAt > this.maxAgeMs && this.mayRefetch()) await this.refresh(true);
    if (!this.keys) throw new IssuerUnavailableError("the issuer's signing keys could not be fetched");
    try {
      return await this.keys(header, token as never);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.mayRefetch()) throw error;
      await this.refresh(true);
      return this.keys(header, token as never);
    }
  };

  private mayRefetch(now = this.now()): boolean {
    return now - this.lastAttempt >= this.cooldownMs;
  }

  /**
   * Whether a token verified under key generation `generation` must be verified again at `now`:
   * the keys changed since, or they are old enough that the next verification will refetch them
   * (so a key the issuer stopped publishing is noticed even when every token comes from a cache).
   */
  outdated(generation: number, now: number): boolean {
    return generation !== this.generation || (now - this.fetchedAt > this.maxAgeMs && this.mayRefetch(now));
  }

  /** One fetch at a time; concurrent callers share it. `tolerant`: keep the old keys on failure. */
  private refresh(tolerant: boolean): Promise<void> {
    if (!this.inFlight) {
      if (this.keys === undefined && !this.mayRefetch())
        return Promise.reject(new IssuerUnavailableError("the issuer's signing keys could not be fetched (recently)"));
      this.lastAttempt = this.now();
      this.inFlight = this.load().finally(() => {
        this.inFlight = undefined;
      });
    }
    return tolerant ? this.inFlight.catch(() => undefined) : this.inFlight;
  }

  private async load(): Promise<void> {
    this.jwksUrl ??= await this.discoverJwksUrl();
    const jwks = (await this.getJson(this.jwksUrl)) as JSONWebKeySet;
    if (!Array.isArray(jwks?.keys)) throw new IssuerUnavailableError(`${this.jwksUrl} is not a JWKS (no 'keys' list)`);
    this.keys = createLocalJWKSet(jwks);
    this.fetchedAt = this.now();
    this.fetches++;
    this.generation++;
  }

  /** OIDC Discovery 1.0 §4: the document's `issuer` must be exactly the configured issuer. */
  private async discoverJwksUrl(): Promise<string> {
    const url = `${this.options.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    const doc = (await this.getJson(url)) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc?.issuer !== this.options.issuer)
      throw new IssuerUnavailableError(`${url} names issuer '${String(doc?.issuer)}', not '${this.options.issuer}'`);
    if (typeof doc.jwks_uri !== "string") throw new IssuerUnavailableError(`${url} has no jwks_uri`);
    return doc.jwks_uri;
  }

  private async getJson(url: string): Promise<unknown> {
    let res: Response;
    try {
      const signal = AbortSignal.timeout(this.timeoutMs);
      res = await this.fetchImpl(url, { signal, headers: { accept: "application/json" }, redirect: "error" });
    } catch (error) {
      throw new IssuerUnavailableError(`${url}: ${(error as Error).message}`);
    }
    if (!res.ok) throw new IssuerUnavailableError(`${url}: HTTP ${res.status}`);
    if (Number(res.headers.get("content-length") ?? 0) > MAX_DOCUMENT_BYTES)
      throw new IssuerUnavailableError(`${url}: document too large`);
    const text = await res.text();
    if (text.length > MAX_DOCUMENT_BYTES) throw new IssuerUnavailableError(`${url}: document too large`);
    try {
      return JSON.parse(text);
    } catch {
      throw new IssuerUnavailableError(`${url}: not JSON`);
    }
  }
}
