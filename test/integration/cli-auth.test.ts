/**
 * Issue 18.2: the CLI with authentication on — `login`/`logout` (a credential per context in a
 * 0600 file), `apikey create|list|get|revoke`, `NANOFAAS_TOKEN` for every command, and the 401/403
 * messages — as a subprocess against a live control plane with NANOFAAS_AUTH=apikey.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { type CliSandbox, cliSandbox } from "../../cli/test/harness";
import { authedControlPlane } from "../support/auth";
import { type Served, serveControlPlane } from "../support/control-plane";

let served: Served;
let cli: CliSandbox;
let admin: string;

beforeAll(async () => {
  const { cp, bearer } = authedControlPlane();
  admin = (await bearer(["admin"])).slice("Bearer ".length);
  served = serveControlPlane(cp);
  cli = cliSandbox({ NANOFAAS_ENDPOINT: served.url });
});
afterAll(async () => {
  await served.stop();
  cli.cleanup();
});

const credentialsFile = () => join(cli.home, ".config", "nanofaas", "credentials.yaml");

describe("nanofaas with NANOFAAS_AUTH=apikey", () => {
  test("no credential: exit 4, the server's 401 and how to log in", async () => {
    const result = await cli.run(["fn", "list"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain("UNAUTHENTICATED: Authentication required");
    expect(result.stderr).toContain("run `nanofaas login` (key on stdin) or set NANOFAAS_TOKEN");
  });

  test("NANOFAAS_TOKEN is sent by every command", async () => {
    const env = { NANOFAAS_TOKEN: admin };
    expect((await cli.run(["fn", "list"], { env })).code).toBe(0);
    expect((await cli.run(["apikey", "list"], { env })).code).toBe(0);
    expect((await cli.run(["version"], { env })).stdout).toContain("server");
  });

  test("login refuses a wrong key and stores nothing; a good key goes to a 0600 file and is used", async () => {
    const wrong = await cli.run(["login"], { stdin: "nfk_wrongwrongwrongwrongwrongwrongwrongwrongwro\n" });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("refused this credential (401");
    expect(() => statSync(credentialsFile())).toThrow();

    const login = await cli.run(["login"], { stdin: `${admin}\n` });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain("context default");
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(credentialsFile(), "utf8")).toContain(admin);
    expect(login.stdout).not.toContain(admin);
    expect((await cli.run(["fn", "list"])).code).toBe(0);
    // NANOFAAS_TOKEN wins over the stored credential.
    const overridden = await cli.run(["fn", "list"], { env: { NANOFAAS_TOKEN: "nfk_notakey" } });
    expect(overridden.code).toBe(4);
    expect(overridden.stderr).toContain("the credential from NANOFAAS_TOKEN was refused");

    expect((await cli.run(["logout"])).code).toBe(0);
    expect(readFileSync(credentialsFile(), "utf8")).not.toContain(admin);
    expect((await cli.run(["fn", "list"])).code).toBe(4);
  });

  test("credentials are per context", async () => {
    expect((await cli.run(["config", "set-context", "prod", "--endpoint", served.url])).code).toBe(0);
    const env = { NANOFAAS_ENDPOINT: undefined };
    expect((await cli.run(["login", "--context", "prod", "--token", admin], { env })).code).toBe(0);
    expect((await cli.run(["fn", "list", "--context", "prod"], { env })).code).toBe(0);
    expect((await cli.run(["fn", "list"])).code).toBe(4); // the default context has none
    expect((await cli.run(["logout", "--context", "prod"], { env })).code).toBe(0);
  });

  test("apikey create → list → use (403 names the scope) → revoke → 401", async () => {
    const env = { NANOFAAS_TOKEN: admin };
    const created = await cli.run(["apikey", "create", "reader", "--scope", "functions:read", "-o", "json"], { env });
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; prefix: string; scopes: string[] };
    expect(key.scopes).toEqual(["functions:read"]);

    const table = await cli.run(["apikey", "create", "other", "-s", "functions:invoke:report-*"], { env });
    expect(table.stdout).toContain("This is the only time the key is shown");
    const listed = await cli.run(["apikey", "list"], { env });
    expect(listed.stdout).toContain(key.prefix);
    expect(listed.stdout).not.toContain(key.key);
    expect((await cli.run(["apikey", "get", key.id, "-o", "json"], { env })).stdout).not.toContain(key.key);

    const reader = { NANOFAAS_TOKEN: key.key };
    expect((await cli.run(["fn", "list"], { env: reader })).code).toBe(0);
    const denied = await cli.run(["apikey", "list"], { env: reader });
    expect(denied.code).toBe(4);
    expect(denied.stderr).toContain("FORBIDDEN: This credential lacks the scope 'admin'");
    expect(denied.stderr).toContain("missing scope: admin");
    expect(denied.stderr).toContain("valid but lacks that scope");

    const revoked = await cli.run(["apikey", "revoke", key.id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`apikey/${key.id} revoked\n`);
    const after = await cli.run(["fn", "list"], { env: reader });
    expect(after.code).toBe(4);
    expect(after.stderr).toContain("UNAUTHENTICATED: Invalid API key");
  });
});
