import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config";

const failure = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as ConfigError).problems.join("\n");
  }
  return "";
};

describe("NANOFAAS_AUTH", () => {
  test("none by default; apikey, oidc, both in any order", () => {
    expect(loadConfig({}).authModes).toEqual([]);
    expect(loadConfig({ NANOFAAS_AUTH: "apikey" }).authModes).toEqual(["apikey"]);
    const oidc = { NANOFAAS_OIDC_ISSUER: "https://id.example", NANOFAAS_OIDC_AUDIENCE: "nanofaas" };
    expect(loadConfig({ NANOFAAS_AUTH: "oidc, apikey", ...oidc }).authModes).toEqual(["oidc", "apikey"]);
    expect(failure({ NANOFAAS_AUTH: "basic" })).toContain("NANOFAAS_AUTH: expected none, apikey, oidc or apikey,oidc");
    expect(failure({ NANOFAAS_AUTH: "oidc" })).toContain("oidc needs NANOFAAS_OIDC_ISSUER and NANOFAAS_OIDC_AUDIENCE");
  });

  test("none refuses a non-loopback bind without NANOFAAS_AUTH_ALLOW_ANONYMOUS=true, in one clear line", () => {
    const problem = failure({ NANOFAAS_BIND_HOST: "0.0.0.0" });
    expect(problem).toContain("NANOFAAS_BIND_HOST=0.0.0.0 with NANOFAAS_AUTH=none");
    expect(problem).not.toContain("\n");
    expect(loadConfig({ NANOFAAS_BIND_HOST: "0.0.0.0", NANOFAAS_AUTH_ALLOW_ANONYMOUS: "true" }).bindHost).toBe(
      "0.0.0.0",
    );
    expect(loadConfig({ NANOFAAS_BIND_HOST: "0.0.0.0", NANOFAAS_AUTH: "apikey" }).bindHost).toBe("0.0.0.0");
    expect(loadConfig({ NANOFAAS_BIND_HOST: "::1" }).bindHost).toBe("::1");
  });

  test("the OIDC algorithm allow-list never admits none or HS*", () => {
    expect(loadConfig({}).oidcAlgorithms).toContain("RS256");
    expect(failure({ NANOFAAS_OIDC_ALGORITHMS: "RS256,none" })).toContain("'none' is not allowed");
    expect(failure({ NANOFAAS_OIDC_ALGORITHMS: "HS256" })).toContain("'HS256' is not allowed");
    expect(loadConfig({ NANOFAAS_OIDC_ALGORITHMS: "ES256" }).oidcAlgorithms).toEqual(["ES256"]);
  });
});
