/**
 * PostgreSQL tier (issue 18.4): two real control plane processes on one database with
 * NANOFAAS_AUTH=apikey and NANOFAAS_API_KEYS_REFRESH=500ms. A key created through A's API is
 * accepted by B after B's next refresh; revoked through A, B refuses it within the bound. This
 * also covers main.ts starting the refresh (the SQLite test drives the registry directly).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newKeySecret } from "../../src/auth/api-key-secret";
import { startControlPlane } from "../support/control-plane-process";
import { usePostgresServer } from "../support/postgres-server";
import { until } from "../support/until";

const server = usePostgresServer();
const dir = mkdtempSync(join(tmpdir(), "nanofaas-pgkeys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("revoked through A → refused by B within NANOFAAS_API_KEYS_REFRESH (PostgreSQL)", async () => {
  const admin = newKeySecret();
  const keysFile = join(dir, "keys.yaml");
  writeFileSync(keysFile, `keys:\n  - {name: ops, key: ${admin}, scopes: [admin]}\n`);
  const env = {
    NANOFAAS_STORE: "postgres",
    NANOFAAS_DATABASE_URL: await server().createDatabase("keys"),
    NANOFAAS_AUTH: "apikey",
    NANOFAAS_API_KEYS_FILE: keysFile,
    NANOFAAS_API_KEYS_REFRESH: "500ms",
  };
  const [a, b] = await Promise.all([startControlPlane(env), startControlPlane(env)]);
  try {
    const made = await fetch(`${a.api}/v1/apikeys`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ name: "ci", scopes: ["functions:read"] }),
    });
    expect(made.status).toBe(201);
    const { id, key } = (await made.json()) as { id: string; key: string };
    const onB = async () =>
      (await fetch(`${b.api}/v1/functions`, { headers: { authorization: `Bearer ${key}` } })).status;
    // Polled slowly: each 401 counts toward B's failed-authentication limit (20 a minute).
    await until(async () => (await onB()) === 200, "B accepts the key created on A", {
      timeoutMs: 10_000,
      intervalMs: 400,
    });

    const revoked = await fetch(`${a.api}/v1/apikeys/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoked.status).toBe(204);
    const revokedAt = performance.now();
    await until(async () => (await onB()) === 401, "B refuses the key revoked on A", {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    expect(performance.now() - revokedAt).toBeLessThan(500 + 2_000);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
