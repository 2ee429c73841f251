/**
 * @module
 * `nanofaas fn traffic NAME v1=90 v2=10` (`PUT /v1/functions/{name}/traffic`) and
 * `nanofaas fn promote NAME VERSION` (`POST /v1/functions/{name}:promote`), docs/versions.md.
 * `fn traffic NAME` alone shows the split. The server checks the weights (sum 100, known versions);
 * the CLI only parses `vN=W` (or `N=W`) so a typo is a usage error before any request.
 */
import type { Command } from "commander";
import type { FunctionResponse } from "../../../openapi/client";
import { expectOk } from "../api";
import { usageError } from "../errors";
import { render, table } from "../output";
import type { Session } from "../session";

const nameParam = (name: string) => ({ params: { path: { name } } });

/** `v2=10` or `2=10` → {version: 2, weight: 10}. */
export function parseTrafficArg(arg: string): { version: number; weight: number } {
  const match = /^v?([0-9]{1,9})=([0-9]{1,3})$/.exec(arg.trim());
  if (!match) throw usageError(`'${arg}' is not VERSION=WEIGHT (e.g. v1=90 v2=10)`);
  return { version: Number(match[1]), weight: Number(match[2]) };
}

const describe = (fn: FunctionResponse) =>
  fn.traffic?.map((t) => `v${t.version}=${t.weight}`).join(" ") ?? `v${fn.version}=100`;

export function registerTrafficCommands(fn: Command, session: Session): void {
  fn.command("traffic <name> [weights...]")
    .description("split calls between versions (v1=90 v2=10; weights sum to 100); without weights, show the split")
    .action(async (name: string, weights: string[]) => {
      const api = await session.api();
      if (weights.length === 0) {
        const { data } = await expectOk(api, api.client.GET("/v1/functions/{name}", nameParam(name)));
        const rows = (data.traffic ?? [{ version: data.version ?? 1, weight: 100 }]).map((t) => [
          t.version,
          t.weight,
          t.version === data.version ? "active" : "",
        ]);
        session.io.out(
          await render(session.format() ?? "table", data.traffic ?? [], () =>
            table(["VERSION", "WEIGHT", "STATE"], rows),
          ),
        );
        return;
      }
      const traffic = weights.map(parseTrafficArg);
      const { data } = await expectOk(
        api,
        api.client.PUT("/v1/functions/{name}/traffic", { ...nameParam(name), body: { traffic } }),
      );
      const value = { name, action: "traffic set", version: data.version, traffic: data.traffic ?? null };
      session.io.out(
        await render(session.format() ?? "table", value, () => `function/${name} traffic ${describe(data)}\n`),
      );
    });

  fn.command("promote <name> <version>")
    .description("move all traffic to a running, healthy version (blue/green; 409 when it is not healthy)")
    .action(async (name: string, raw: string) => {
      const version = Number(/^v?([0-9]{1,9})$/.exec(raw.trim())?.[1] ?? Number.NaN);
      if (!Number.isInteger(version) || version < 1) throw usageError(`'${raw}' is not a version number`);
      const api = await session.api();
      const { data } = await expectOk(
        api,
        api.client.POST("/v1/functions/{name}:promote", { ...nameParam(name), body: { version } }),
      );
      const value = { name, action: "promoted", version: data.version };
      session.io.out(
        await render(
          session.format() ?? "table",
          value,
          () => `function/${name} promoted to version ${data.version}\n`,
        ),
      );
    });
}
