/**
 * The Bun transport honours the kubeconfig's TLS settings (cluster CA, client certificate,
 * insecure-skip-tls-verify) — what client-node's undici path loses under Bun. The certificates
 * below are a throw-away test CA (valid until 2126) with a server certificate for 127.0.0.1 and a
 * client certificate, generated with openssl for this test only.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { KubeTransport, tlsOptionsFor } from "./transport";

const CA = `-----BEGIN CERTIFICATE-----
MIIBjDCCATOgAwIBAgIUW9gwHkqxJWA1qLUwR7KNrAEixzwwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQbmFub2ZhYXMtdGVzdC1jYTAgFw0yNjExMjIxMjM3MDdaGA8y
MTI2MTAyOTEyMzcwN1owGzEZMBcGA1UEAwwQbmFub2ZhYXMtdGVzdC1jYTBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABHQhL+/zz2X7MN/SJLi/zXzc3nGyieqq6po8
d9LcBasLBlVWwm7NiGOBOXK0ceEU8Gwdb7SmcmfXADrGzkWlj1SjUzBRMB0GA1Ud
DgQWBBTbvYwyGIJUVa3/2XWn2KOYcoWexDAfBgNVHSMEGDAWgBTbvYwyGIJUVa3/
2XWn2KOYcoWexDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCICYN
1RFPYNdMWirr7lh+uOdLiVDBYtU7WwoUyjsWHQTsAiAQHO6fpjKfIDYBxXYaAHsn
S/N7TDjVR1+qzdjgKtNGAw==
-----END CERTIFICATE-----`;
const SERVER_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUOQA3gtWtAcKcTVcYSQnBZzPOFnAwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQbmFub2ZhYXMtdGVzdC1jYTAgFw0yNjExMjIxMjM3MDdaGA8y
MTI2MTAyOTEyMzcwN1owFDESMBAGA1UEAwwJMTI3LjAuMC4xMFkwEwYHKoZIzj0C
AQYIKoZIzj0DAQcDQgAExNEfB4bq/0LWStonuk0Y0txuxv6umB3/fdp5meacGQrH
0qS9ErRTy5UBf8bz+8LmgZLFraWIfWjCoQ1O2Uy0i6NoMGYwDwYDVR0RBAgwBocE
fwAAATATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4EFgQUfuMLaBHOeME3SDQq
0RzYFHTfup8wHwYDVR0jBBgwFoAU272MMhiCVFWt/9l1p9ijmHKFnsQwCgYIKoZI
zj0EAwIDSAAwRQIhAIm3MNj2at9wRRfFRoRY6zaD0lOEEKCx6nj5ak8sVf25AiBa
DN9cWX7B69A01OMHNw/UfYAw8v9BONKI1yNLsk1tcg==
-----END CERTIFICATE-----`;
const SERVER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg9z3QJibrgds2hWdX
ezvo6alv57duZpGFtMmreQIxZamhRANCAATE0R8Hhur/QtZK2ie6TRjS3G7G/q6Y
Hf992nmZ5pwZCsfSpL0StFPLlQF/xvP7wuaBksWtpYh9aMKhDU7ZTLSL
-----END PRIVATE KEY-----`;
const CLIENT_CERT = `-----BEGIN CERTIFICATE-----
MIIBrzCCAVagAwIBAgIUOQA3gtWtAcKcTVcYSQnBZzPOFnEwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQbmFub2ZhYXMtdGVzdC1jYTAgFw0yNjExMjIxMjM3MDdaGA8y
MTI2MTAyOTEyMzcwN1owOjEfMB0GA1UEAwwWbmFub2ZhYXMtY29udHJvbC1wbGFu
ZTEXMBUGA1UECgwOc3lzdGVtOm1hc3RlcnMwWTATBgcqhkjOPQIBBggqhkjOPQMB
BwNCAARH1bCZZj0kleF2xpjF+iZOBJPOaLdnOa7od68TcrazwWQXwd1YnaR9Fs7W
GkrRo0jA0gb7gpTE/01+duFuztnso1cwVTATBgNVHSUEDDAKBggrBgEFBQcDAjAd
BgNVHQ4EFgQUN2VdUXiY29mdIXes1kuy6SoylUEwHwYDVR0jBBgwFoAU272MMhiC
VFWt/9l1p9ijmHKFnsQwCgYIKoZIzj0EAwIDRwAwRAIgHQwyBrCcaTIbHX9mENb8
CH0eJl1uyKI+XElW9AwfnpsCIGBfG6ih4hdq5B7pvOxdhA2jsTYcZxhpNUtxViHQ
umKP
-----END CERTIFICATE-----`;
const CLIENT_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgiUH5EflZUfPICDF3
Ar0OQKZYpHL1O070rc6PgDdeAa+hRANCAARH1bCZZj0kleF2xpjF+iZOBJPOaLdn
Oa7od68TcrazwWQXwd1YnaR9Fs7WGkrRo0jA0gb7gpTE/01+duFuztns
-----END PRIVATE KEY-----`;

const b64 = (pem: string) => Buffer.from(pem).toString("base64");
let server: https.Server;
let url: string;
const seen: { authorization?: string; clientCertificate: boolean }[] = [];

beforeAll(async () => {
  server = https.createServer(
    { key: SERVER_KEY, cert: SERVER_CERT, ca: CA, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      // `authorized` is true only when a client certificate signed by CA was presented.
      seen.push({
        authorization: req.headers.authorization,
        clientCertificate: (req.socket as TLSSocket).authorized === true,
      });
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ apiVersion: "v1", kind: "ServiceList", metadata: { resourceVersion: "7" }, items: [] }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function kubeConfig(cluster: object, user: object): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: url, ...cluster }],
    users: [{ name: "u", ...user }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return kc;
}
const listServices = (kc: KubeConfig) =>
  new KubeTransport(kc).api(CoreV1Api).listNamespacedService({ namespace: "fns" });

describe("KubeTransport over TLS", () => {
  test("trusts the kubeconfig's CA (caData) and sends the bearer token", async () => {
    const list = await listServices(kubeConfig({ caData: b64(CA) }, { token: "sa-token" }));
    expect(list.metadata?.resourceVersion).toBe("7");
    expect(seen.at(-1)).toEqual({ authorization: "Bearer sa-token", clientCertificate: false });
  });

  test("trusts a CA file, as mounted in a pod (raw GETs too, for the watch)", async () => {
    const caFile = join(tmpdir(), `nanofaas-test-ca-${process.pid}.crt`);
    writeFileSync(caFile, CA);
    const response = await new KubeTransport(kubeConfig({ caFile }, { token: "t" })).get(
      "/api/v1/namespaces/fns/services",
    );
    expect(response.status).toBe(200);
    expect(seen.at(-1)?.authorization).toBe("Bearer t");
  });

  test("still verifies: without the CA the call fails", async () => {
    await expect(listServices(kubeConfig({}, { token: "t" }))).rejects.toThrow();
  });

  test("insecure-skip-tls-verify is honoured", async () => {
    const list = await listServices(kubeConfig({ skipTLSVerify: true }, { token: "t" }));
    expect(list.items).toEqual([]);
  });

  test("presents the kubeconfig's client certificate (kind, k3s)", async () => {
    await listServices(kubeConfig({ caData: b64(CA) }, { certData: b64(CLIENT_CERT), keyData: b64(CLIENT_KEY) }));
    expect(seen.at(-1)).toEqual({ authorization: undefined, clientCertificate: true });
  });
});

test("tlsOptionsFor maps kubeconfig fields to Bun's fetch options", () => {
  const kc = kubeConfig(
    { caData: b64("CA"), skipTLSVerify: true, tlsServerName: "kubernetes" },
    { certData: b64("CERT"), keyData: b64("KEY") },
  );
  expect(tlsOptionsFor(kc)).toEqual({
    ca: "CA",
    cert: "CERT",
    key: "KEY",
    rejectUnauthorized: false,
    serverName: "kubernetes",
  });
});
