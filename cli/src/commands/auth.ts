/**
 * @module
 * `nanofaas login|logout` (a credential per context, credentials.ts) and `nanofaas apikey
 * create|list|get|revoke` (`/v1/apikeys`, admin scope; docs/security.md). `login` reads the secret
 * from stdin unless `--token` is given, so it need not appear in the shell history or `ps`, and
 * checks it against the server before storing it.
 */
import type { Command } from "commander";
import { expectOk, send } from "../api";
import { credentialsPath, storeCredential } from "../credentials";
import { CliError, ExitCode, usageError } from "../errors";
import { keyValues, render, table } from "../output";
import type { Session } from "../session";

const idParam = (id: string) => ({ params: { path: { id } } });

export function registerAuthCommands(program: Command, session: Session): void {
  program
    .command("login")
    .description("store an API key or token for the current context (read from stdin without --token)")
    .option("--token <secret>", "the credential itself (else read from stdin: echo $KEY | nanofaas login)")
    .option("--no-verify", "store it without checking it against the server")
    .action(async (flags: { token?: string; verify: boolean }) => {
      const token = (flags.token ?? (await session.io.readStdin())).trim();
      if (!token) throw usageError("no credential given: pass it on stdin (echo $KEY | nanofaas login) or --token");
      if (/\s/.test(token)) throw usageError("a credential is one word without spaces");
      if (flags.verify) await verifyCredential(session, token);
      const name = await storeCredential(session.flags(), session.io.env, token);
      const where = credentialsPath(session.flags(), session.io.env);
      session.io.out(`logged in: context ${name} now sends this credential (stored in ${where}, mode 0600)\n`);
    });

  program
    .command("logout")
    .description("forget the credential stored for the current context")
    .action(async () => {
      const name = await storeCredential(session.flags(), session.io.env, undefined);
      session.io.out(`logged out of context ${name}\n`);
    });

  const apikey = program.command("apikey").description("manage API keys (needs the admin scope)");

  apikey
    .command("create <name>")
    .description("create a key; its secret is printed once and never again")
    .requiredOption("-s, --scope <scope...>", "scopes, e.g. functions:read functions:invoke:report-*")
    .option("--tenant <tenant>", "tenant the key belongs to")
    .option("--expires-at <time>", "ISO-8601 time after which the key stops working")
    .action(async (name: string, flags: { scope: string[]; tenant?: string; expiresAt?: string }) => {
      const api = await session.api();
      const body = { name, scopes: flags.scope, tenant: flags.tenant, expiresAt: flags.expiresAt };
      const { data } = await expectOk(api, api.client.POST("/v1/apikeys", { body }));
      session.io.out(
        await render(
          session.format() ?? "table",
          data,
          () =>
            `${keyValues(Object.entries(data).filter(([k]) => k !== "key"))}` +
            `\nkey: ${data.key}\nThis is the only time the key is shown: store it now (e.g. echo <key> | nanofaas login).\n`,
        ),
      );
    });

  apikey
    .command("list")
    .alias("ls")
    .description("list keys, newest first (never their secrets)")
    .action(async () => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/apikeys"));
      const rows = data.items.map((k) => [k.id, k.name, k.prefix, k.scopes.join(","), k.tenant, k.expiresAt, k.source]);
      session.io.out(
        await render(session.format() ?? "table", data, () =>
          table(["ID", "NAME", "PREFIX", "SCOPES", "TENANT", "EXPIRES", "SOURCE"], rows),
        ),
      );
    });

  apikey
    .command("get <id>")
    .description("show one key (never its secret)")
    .action(async (id: string) => {
      const api = await session.api();
      const { data } = await expectOk(api, api.client.GET("/v1/apikeys/{id}", idParam(id)));
      session.io.out(await render(session.format() ?? "table", data, () => keyValues(Object.entries(data))));
    });

  apikey
    .command("revoke <id>")
    .alias("rm")
    .description("revoke a key at once (on other control planes sharing the store within NANOFAAS_API_KEYS_REFRESH)")
    .action(async (id: string) => {
      const api = await session.api();
      await expectOk(api, api.client.DELETE("/v1/apikeys/{id}", idParam(id)));
      const format = session.format() ?? "table";
      session.io.out(await render(format, { id, action: "revoked" }, () => `apikey/${id} revoked\n`));
    });
}

/** 401 → refuse to store; anything else the server says (even 403: the credential is valid) is fine. */
async function verifyCredential(session: Session, token: string): Promise<void> {
  const api = await session.api({ token, source: "the credential given" });
  const { response } = await send(api, api.client.GET("/v1/functions"));
  if (response.status === 401)
    throw new CliError(
      ExitCode.REJECTED,
      `${api.endpoint} refused this credential (401: unknown, expired or revoked); nothing stored`,
    );
}
