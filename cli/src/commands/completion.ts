/**
 * @module
 * `nanofaas completion bash|zsh|fish`: prints a completion script generated from this CLI's own
 * command tree, so every command, alias and option completes without a hand-kept list.
 */
import { Argument, type Command } from "commander";
import { bashScript, zshScript } from "../completion/bash";
import { fishScript } from "../completion/fish";
import { completionTree } from "../completion/tree";
import type { Session } from "../session";

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript };

export function registerCompletionCommand(program: Command, session: Session): void {
  program
    .command("completion")
    .description("print a shell completion script: source <(nanofaas completion bash)")
    .addArgument(new Argument("<shell>", "bash | zsh | fish").choices(Object.keys(SCRIPTS)))
    .action((shell: keyof typeof SCRIPTS) => {
      session.io.out(SCRIPTS[shell](completionTree(program)));
    });
}
