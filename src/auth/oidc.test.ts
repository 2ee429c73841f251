/**
 * The OIDC verifier against a real issuer on loopback (test/support/oidc-issuer.ts): discovery,
 * JWKS, rotation, the claim checks and the algorithm allow-list.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { base64url, SignJWT } from "jose";
import { makeSigningKey, OIDC_AUDIENCE, TestIssuer } from "../../test/support/oidc-issuer";
import { DEFAULT_OIDC_ALGORITHMS } from "../config/auth-settings";
import { IssuerKeys } from "./issuer-keys";
import { OidcVerifier, type OidcVerifierOptions } from "./oidc";

const issuer = await TestIssuer.start();
afterAll(() => issuer.stop());

function verifierFor(options: Partial<OidcVerifierOptions> & { cooldownMs?: number; maxAgeMs?: number } = {}) {
  const keys = new IssuerKeys({
    issuer: issuer.url,
    refetchCooldownMs: options.cooldownMs ?? 0,
    maxAgeMs: options.maxAgeMs,
    timeoutMs: 2_000,
  });
  const verifier = new OidcVerifier({
    issuer: issuer.url,
    audience: OIDC_AUDIENCE,
    algorithms: DEFAULT_OIDC_ALGORITHMS,
    clockSkewMs: 30_000,
    tenantClaim: "tenant",
    keys,
    ...options,
  });
  return { verifier, keys };
}

const problemOf = async (verifier: OidcVerifier, token: string) => {
  const result = await verifier.verify(token);
  return "problem" in result ? result.problem : `accepted as ${result.actor}`;
};

describe("OidcVerifier", () => {
  test("a good token: actor oidc:<sub>, our scopes only (others ignored), tenant claim, cached afterwards", async () => {
    const { verifier, keys } = verifierFor();
    const token = await issuer.token({ scopes: "openid functions:read functions:invoke:report-*", sub: "bob" });
    const first = verifier.verify(token);
    expect(first).toBeInstanceOf(Promise);
    const principal = await first;
    if ("problem" in principal) throw new Error(principal.problem);
    expect(principal.actor).toBe("oidc:bob");
    expect(principal.tenant).toBe("default");
    expect(principal.scopes.list).toEqual(["functions:read", "functions:invoke:report-*"]);
    expect(principal.scopes.grants("functions:invoke", "report-1")).toBe(true);
    expect(principal.scopes.grants("functions:write")).toBe(false);
    // Second use: answered synchronously from the cache, no new JWKS fetch.
    const again = verifier.verify(token);
    expect(again).not.toBeInstanceOf(Promise);
    expect(keys.fetches).toBe(1);
  });

  test("scopes from scp (a list) and from a configured dotted claim; tenant from the tenant claim", async () => {
    const scp = await issuer.token({ scopes: [], claims: { scope: undefined, scp: ["admin"], tenant: "acme" } });
    const viaScp = await verifierFor().verifier.verify(scp);
    expect(viaScp).toMatchObject({ tenant: "acme", scopes: { list: ["admin"] } });
    const roles = await issuer.token({ claims: { realm_access: { roles: ["executions:read", "offline_access"] } } });
    const viaRoles = await verifierFor({ scopesClaim: "realm_access.roles" }).verifier.verify(roles);
    expect(viaRoles).toMatchObject({ scopes: { list: ["executions:read"] } });
  });

  test("expired, not yet valid, wrong audience, wrong issuer, no exp, no sub → each named", async () => {
    const { verifier } = verifierFor({ clockSkewMs: 5_000 });
    expect(await problemOf(verifier, await issuer.token({ expiresIn: -60 }))).toBe("token expired");
    // Within the skew an expired token still passes.
    expect(await problemOf(verifier, await issuer.token({ expiresIn: -2 }))).toBe("accepted as oidc:alice");
    expect(await problemOf(verifier, await issuer.token({ notBefore: 60 }))).toBe("token not yet valid (nbf)");
    expect(await problemOf(verifier, await issuer.token({ aud: "someone-else" }))).toBe("wrong audience (aud)");
    expect(await problemOf(verifier, await issuer.token({ iss: "http://evil.example" }))).toBe("wrong issuer (iss)");
    const noExp = await new SignJWT({ scope: "admin", sub: "x" })
      .setProtectedHeader({ alg: "RS256", kid: issuer.current.kid })
      .setIssuer(issuer.url)
      .setAudience(OIDC_AUDIENCE)
      .sign(issuer.current.privateKey);
    expect(await problemOf(verifier, noExp)).toContain("'exp'");
    expect(await problemOf(verifier, await issuer.token({ sub: "" }))).toBe("the token has no subject (sub)");
  });

  test("a cached token stops being accepted when it expires", async () => {
    let now = Date.now();
    const { verifier } = verifierFor({ clockSkewMs: 0, now: () => now });
    const token = await issuer.token({ expiresIn: 10 });
    expect(await problemOf(verifier, token)).toBe("accepted as oidc:alice");
    now += 11_000;
    expect(await problemOf(verifier, token)).toBe("token expired");
  });

  test("the cache never answers past exp: inside the clock skew every call is a full check", async () => {
    let now = Date.now();
    const { verifier } = verifierFor({ clockSkewMs: 30_000, now: () => now });
    const token = await issuer.token({ expiresIn: 10 });
    expect(await problemOf(verifier, token)).toBe("accepted as oidc:alice");
    expect(verifier.verify(token)).not.toBeInstanceOf(Promise);
    now += 11_000; // past exp, inside the 30 s skew: accepted, but only by a full verification
    const late = verifier.verify(token);
    expect(late).toBeInstanceOf(Promise);
    expect(await late).toMatchObject({ actor: "oidc:alice" });
    expect(verifier.verify(token)).toBeInstanceOf(Promise);
    expect(verifier.known(token)).toBeUndefined();
  });

  test("the cache TTL bounds trust even for a long-lived token", async () => {
    let now = Date.now();
    const { verifier, keys } = verifierFor({ cacheMs: 1_000, now: () => now, maxAgeMs: 3_600_000 });
    const token = await issuer.token({ expiresIn: 3600 });
    await verifier.verify(token);
    now += 999;
    expect(verifier.known(token)).toBeDefined();
    now += 1;
    expect(verifier.known(token)).toBeUndefined();
    expect(verifier.verify(token)).toBeInstanceOf(Promise);
    expect(keys.fetches).toBe(1);
  });

  test("bounded: at most cacheEntries tokens remembered; a token in use stays, an idle one is checked again", async () => {
    const { verifier } = verifierFor({ cacheEntries: 4 });
    const hot = await issuer.token({ sub: "hot" });
    const idle = await issuer.token({ sub: "idle" });
    await verifier.verify(hot);
    await verifier.verify(idle);
    for (let i = 0; i < 12; i++) {
      await verifier.verify(await issuer.token({ sub: `flood-${i}` }));
      expect(verifier.known(hot)).toMatchObject({ actor: "oidc:hot" });
    }
    expect(verifier.known(idle)).toBeUndefined();
    // Evicted is not refused: it is verified again.
    expect(await problemOf(verifier, idle)).toBe("accepted as oidc:idle");
  });

  test("a token signed by a key the issuer rotated out stops being accepted from the cache once the keys are refetched", async () => {
    let now = Date.now();
    const keys = new IssuerKeys({ issuer: issuer.url, now: () => now, maxAgeMs: 60_000 });
    const { verifier } = verifierFor({ keys, now: () => now });
    const old = await issuer.rotate();
    const token = await issuer.token({ key: old, sub: "erin", expiresIn: 3600 });
    expect(await problemOf(verifier, token)).toBe("accepted as oidc:erin");
    expect(verifier.verify(token)).not.toBeInstanceOf(Promise);
    await issuer.rotate();
    issuer.retire(old.kid);
    // Within the keys' max age the control plane has not seen the rotation, cache or no cache.
    now += 30_000;
    expect(verifier.known(token)).toMatchObject({ actor: "oidc:erin" });
    // Keys due for a refetch: not answered from the cache; the full check refetches and refuses.
    now += 31_000;
    expect(verifier.known(token)).toBeUndefined();
    expect(await problemOf(verifier, token)).toBe("no signing key of the issuer matches the token's kid");
    expect(keys.fetches).toBe(2);
    // A token of a key still published, verified before the refetch, is checked once more, then cached.
    expect(await problemOf(verifier, await issuer.token({ sub: "frank" }))).toBe("accepted as oidc:frank");
  });

  test("a refetch triggered by another token (unknown kid) also sends cached tokens of a dropped key back to a full check", async () => {
    let now = Date.now();
    const keys = new IssuerKeys({ issuer: issuer.url, now: () => now, refetchCooldownMs: 0 });
    const { verifier } = verifierFor({ keys, now: () => now });
    const old = await issuer.rotate();
    const token = await issuer.token({ key: old, sub: "gina", expiresIn: 3600 });
    expect(await problemOf(verifier, token)).toBe("accepted as oidc:gina");
    const fresh = await issuer.rotate();
    issuer.retire(old.kid);
    expect(await problemOf(verifier, await issuer.token({ key: fresh, sub: "hal" }))).toBe("accepted as oidc:hal");
    expect(keys.fetches).toBe(2);
    expect(verifier.known(token)).toBeUndefined();
    expect(await problemOf(verifier, token)).toBe("no signing key of the issuer matches the token's kid");
  });

  test("tampered signature and a key the issuer does not publish are refused", async () => {
    const { verifier } = verifierFor();
    const [h, p, sig] = (await issuer.token()).split(".");
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p!)));
    const forged = `${h}.${base64url.encode(JSON.stringify({ ...claims, sub: "mallory" }))}.${sig}`;
    expect(await problemOf(verifier, forged)).toBe("signature does not verify");
    // Same kid as the published key, different private key.
    const impostor = await makeSigningKey(issuer.current.kid);
    expect(await problemOf(verifier, await issuer.token({ key: impostor }))).toBe("signature does not verify");
  });

  test("algorithm allow-list: alg none and HS256 signed with the issuer's public key (confusion) are refused", async () => {
    const { verifier } = verifierFor();
    const unsecured = issuer.unsecuredToken();
    expect(await problemOf(verifier, unsecured)).toBe("signature algorithm not allowed");
    // The classic confusion: HMAC keyed with the bytes of the RSA public key the JWKS publishes.
    const publicBytes = new TextEncoder().encode(JSON.stringify(issuer.current.publicJwk));
    const confused = await new SignJWT({ scope: "admin" })
      .setProtectedHeader({ alg: "HS256", kid: issuer.current.kid })
      .setIssuer(issuer.url)
      .setAudience(OIDC_AUDIENCE)
      .setSubject("mallory")
      .setExpirationTime("5m")
      .sign(publicBytes);
    expect(await problemOf(verifier, confused)).toBe("signature algorithm not allowed");
    // An allowed family but not in a narrowed list.
    const es = await makeSigningKey("es", "ES256");
    const narrowed = verifierFor({ algorithms: ["RS256"] }).verifier;
    expect(await problemOf(narrowed, await issuer.token({ key: es }))).toBe("signature algorithm not allowed");
  });

  test("bounded: within the refetch cooldown, unknown kids cause no JWKS fetch (no hammering the issuer)", async () => {
    const { verifier, keys } = verifierFor({ cooldownMs: 60_000 });
    expect(await problemOf(verifier, await issuer.token())).toBe("accepted as oidc:alice");
    expect(keys.fetches).toBe(1);
    // The cooldown also counts from the first fetch: a rotated key is not seen until it passes.
    const rotated = await issuer.rotate();
    expect(await problemOf(verifier, await issuer.token({ key: rotated }))).toBe(
      "no signing key of the issuer matches the token's kid",
    );
    expect(keys.fetches).toBe(1);

    const fresh = verifierFor({ cooldownMs: 60_000 });
    const before = issuer.jwksFetches;
    const old = issuer.current;
    expect(await problemOf(fresh.verifier, await issuer.token({ key: old }))).toBe("accepted as oidc:alice");
    const unknown = await makeSigningKey("never-published");
    for (let i = 0; i < 5; i++) await problemOf(fresh.verifier, await issuer.token({ key: unknown }));
    expect(issuer.jwksFetches - before).toBe(1);
  });

  test("rotation: once the cooldown has passed, an unknown kid refetches the JWKS and the new key is accepted", async () => {
    let now = Date.now();
    const keys = new IssuerKeys({ issuer: issuer.url, now: () => now });
    const { verifier } = verifierFor({ keys, now: () => now });
    expect(await problemOf(verifier, await issuer.token())).toBe("accepted as oidc:alice");
    now += 31_000; // the default cooldown is 30 s
    const rotated = await issuer.rotate("ES256");
    expect(await problemOf(verifier, await issuer.token({ key: rotated, sub: "carol" }))).toBe(
      "accepted as oidc:carol",
    );
    expect(keys.fetches).toBe(2);
  });

  test("JWKS down: no keys yet → unavailable (retry hint), with cached keys → still verifies", async () => {
    const warm = verifierFor({ cooldownMs: 0, maxAgeMs: 0 });
    expect(await problemOf(warm.verifier, await issuer.token())).toBe("accepted as oidc:alice");
    issuer.down = true;
    try {
      const cold = verifierFor();
      const result = await cold.verifier.verify(await issuer.token());
      expect(result).toMatchObject({ retryAfterSeconds: 5 });
      expect("problem" in result && result.problem).toContain("HTTP 503");
      // The warm verifier still has the keys it fetched, so a new token verifies.
      expect(await problemOf(warm.verifier, await issuer.token({ sub: "dave" }))).toBe("accepted as oidc:dave");
    } finally {
      issuer.down = false;
    }
  });

  test("an unreachable issuer times out instead of hanging", async () => {
    const hang = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Promise<Response>(() => {}) });
    try {
      const url = `http://127.0.0.1:${hang.port}`;
      const keys = new IssuerKeys({ issuer: url, timeoutMs: 200 });
      const verifier = new OidcVerifier({
        issuer: url,
        audience: OIDC_AUDIENCE,
        algorithms: DEFAULT_OIDC_ALGORITHMS,
        clockSkewMs: 0,
        tenantClaim: "tenant",
        keys,
      });
      const started = performance.now();
      const result = await verifier.verify(await issuer.token());
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(result).toMatchObject({ retryAfterSeconds: 5 });
    } finally {
      hang.stop(true);
    }
  });
});
