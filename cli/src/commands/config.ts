/**
 * @module
 * `nanofaas config …`: contexts in the config file, kubectl-style. A context names an endpoint
 * (and a Kubernetes namespace, kept for compatibility with the reference's file).
 */
import type { Command } from "commander";
import { type ConfigFile, configPath, loadConfigFile, resolveEndpoint, saveConfigFile } from "../config";
import { usageError } from "../errors";
import { render, table } from "../output";
import type { Session } from "../session";

export function registerConfigCommands(program: Command, session: Session): void {
  const config = program.command("config").description("manage contexts in the config file");
  const path = () => configPath(session.flags().config, session.io.env);
  const edit = async (change: (file: ConfigFile) => string) => {
    const file = await loadConfigFile(path());
    const message = change(file);
    await saveConfigFile(path(), file);
    session.io.out(`${message}\n`);
  };

  config
    .command("set-context <name>")
    .description("create or update a context")
    .option("--endpoint <url>", "control plane URL, e.g. http://localhost:8080")
    .option("-n, --namespace <ns>", "Kubernetes namespace")
    .option("--use", "also make it the current context")
    .action(async (name: string, flags: { endpoint?: string; namespace?: string; use?: boolean }) => {
      // Commander hands `--endpoint` to the global option of the same name wherever it appears.
      const endpoint = flags.endpoint ?? session.flags().endpoint;
      // Validate the URL now rather than at the next command.
      if (endpoint) await resolveEndpoint({ endpoint }, {});
      await edit((file) => {
        const existed = name in file.contexts;
        const context = { ...file.contexts[name] };
        if (endpoint) context.endpoint = endpoint;
        if (flags.namespace) context.namespace = flags.namespace;
        file.contexts[name] = context;
        if (flags.use) file.currentContext = name;
        return `context ${name} ${existed ? "updated" : "created"}${flags.use ? " and in use" : ""}`;
      });
    });

  config
    .command("use-context <name>")
    .description("switch the current context")
    .action(async (name: string) => {
      await edit((file) => {
        if (!(name in file.contexts)) throw usageError(`context '${name}' is not defined in ${path()}`);
        file.currentContext = name;
        return `switched to context ${name}`;
      });
    });

  config
    .command("delete-context <name>")
    .description("remove a context")
    .action(async (name: string) => {
      await edit((file) => {
        if (!(name in file.contexts)) throw usageError(`context '${name}' is not defined in ${path()}`);
        delete file.contexts[name];
        if (file.currentContext === name) delete file.currentContext;
        return `context ${name} deleted`;
      });
    });

  config
    .command("get-contexts")
    .description("list contexts (* marks the current one)")
    .action(async () => {
      const file = await loadConfigFile(path());
      const rows = Object.entries(file.contexts).map(([name, c]) => ({
        name,
        current: name === file.currentContext,
        ...c,
      }));
      const asTable = () =>
        table(
          ["CURRENT", "NAME", "ENDPOINT", "NAMESPACE"],
          rows.map((r) => [r.current ? "*" : " ", r.name, r.endpoint, r.namespace]),
        );
      session.io.out(await render(session.format() ?? "table", rows, asTable));
    });

  config
    .command("current-context")
    .description("print the endpoint in effect and where it comes from")
    .action(async () => {
      const resolved = await resolveEndpoint(session.flags(), session.io.env);
      const file = await loadConfigFile(path());
      const value = {
        context: session.flags().context ?? session.io.env.NANOFAAS_CONTEXT ?? file.currentContext ?? null,
        ...resolved,
      };
      session.io.out(
        await render(session.format() ?? "table", value, () => `${resolved.endpoint} (from ${resolved.source})\n`),
      );
    });
}
