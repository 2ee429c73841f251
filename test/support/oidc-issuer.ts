/**
 * A real OIDC issuer on loopback for tests: serves `/.well-known/openid-configuration` and its JWKS
 * over HTTP (Bun.serve) and signs tokens with keys made by jose. Keys can be rotated and retired, the
 * JWKS taken down, and the number of JWKS fetches read back.
 */
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

export interface TokenOptions {
  scopes?: string[] | string;
  sub?: string;
  aud?: string;
  iss?: string;
  /** Seconds from now (negative: already expired). */
  expiresIn?: number;
  notBefore?: number;
  /** Sign with this key instead of the current one (e.g. one the JWKS does not publish). */
  key?: SigningKey;
  claims?: JWTPayload;
}

export const OIDC_AUDIENCE = "nanofaas-test";

export async function makeSigningKey(kid: string, alg = "RS256"): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

export class TestIssuer {
  private published: SigningKey[] = [];
  /** Keys ever made (kids stay unique after a retirement). */
  private made = 0;
  current!: SigningKey;
  jwksFetches = 0;
  /** When true the JWKS answers 503. */
  down = false;
  private readonly server: ReturnType<typeof Bun.serve>;
  readonly url: string;

  private constructor() {
    this.server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => this.answer(req) });
    this.url = `http://127.0.0.1:${this.server.port}`;
  }

  static async start(): Promise<TestIssuer> {
    const issuer = new TestIssuer();
    await issuer.rotate();
    return issuer;
  }

  /** Publishes a new key (keeping the old ones) and signs with it from now on. */
  async rotate(alg = "RS256"): Promise<SigningKey> {
    this.current = await makeSigningKey(`k${++this.made}`, alg);
    this.published.push(this.current);
    return this.current;
  }

  /** Stops publishing a key (the issuer rotated it out): its tokens must stop verifying. */
  retire(kid: string): void {
    this.published = this.published.filter((k) => k.kid !== kid);
  }

  /** The environment of a control plane trusting this issuer. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { NANOFAAS_AUTH: "oidc", NANOFAAS_OIDC_ISSUER: this.url, NANOFAAS_OIDC_AUDIENCE: OIDC_AUDIENCE, ...extra };
  }

  async token(options: TokenOptions = {}): Promise<string> {
    const key = options.key ?? this.current;
    const now = Math.floor(Date.now() / 1000);
    const scope = Array.isArray(options.scopes) ? options.scopes.join(" ") : (options.scopes ?? "admin");
    const jwt = new SignJWT({ scope, ...options.claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
      .setIssuer(options.iss ?? this.url)
      .setAudience(options.aud ?? OIDC_AUDIENCE)
      .setSubject(options.sub ?? "alice")
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300));
    if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
    return jwt.sign(key.privateKey);
  }

  /** An `alg: none` token with otherwise valid claims and admin scope: must never be accepted. */
  unsecuredToken(): string {
    return new UnsecuredJWT({ scope: "admin" })
      .setIssuer(this.url)
      .setAudience(OIDC_AUDIENCE)
      .setSubject("mallory")
      .setExpirationTime("5m")
      .encode();
  }

  async bearer(scopes: string[]): Promise<string> {
    return `Bearer ${await this.token({ scopes })}`;
  }

  stop(): void {
    this.server.stop(true);
  }

  private answer(req: Request): Response {
    const path = new URL(req.url).pathname;
    if (path === "/.well-known/openid-configuration")
      return Response.json({ issuer: this.url, jwks_uri: `${this.url}/jwks` });
    if (path !== "/jwks") return new Response("not found", { status: 404 });
    this.jwksFetches++;
    if (this.down) return new Response("down", { status: 503 });
    return Response.json({ keys: this.published.map((k) => k.publicJwk) });
  }
}
