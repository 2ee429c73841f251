/**
 * @module
 * What shell completion needs, read from the commander command tree (so a new command or option
 * completes without touching the shell scripts): for every command path its subcommands, the
 * words that may follow it and its options, plus which options take a value and, where the
 * values are a fixed set, those values.
 */
import type { Command, Option } from "commander";
import { FORMATS } from "../output";
import { RUNTIMES } from "../scaffold/templates";

export interface CompletionOption {
  /** `-o`, `--output`. */
  flags: string[];
  description: string;
  takesValue: boolean;
  /** The fixed set of values, if there is one (`--output` → table json yaml). */
  choices?: readonly string[];
}

export interface CompletionNode {
  /** Words from the root, canonical names: "" for the root, "fn list". */
  path: string;
  /** The same path spelled with any alias ("fn ls"), the canonical one first. */
  spellings: string[];
  /** Subcommand names and aliases. */
  commands: { name: string; aliases: string[]; description: string }[];
  /** Fixed values of the command's positional argument (`completion <shell>`). */
  argumentChoices: readonly string[];
  /** Its own options and the root's (commander accepts those anywhere). */
  options: CompletionOption[];
}

/** Values of options validated by the commands themselves rather than by commander's `choices`. */
const VALUE_CHOICES: Record<string, readonly string[]> = { "--output": FORMATS, "--runtime": RUNTIMES };

const HELP: CompletionOption = { flags: ["-h", "--help"], description: "show help", takesValue: false };

export function completionTree(program: Command): CompletionNode[] {
  // --version belongs to the root alone; the other root options are accepted anywhere.
  const globals = program.options.filter((o) => o.long !== "--version").map(toOption);
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: string[], spellings: string[][]) => {
    const own = command.options.map(toOption);
    const ownLongs = new Set(own.map((o) => o.flags.at(-1)));
    nodes.push({
      path: path.join(" "),
      spellings: spellings.map((s) => s.join(" ")),
      commands: command.commands.map((c) => ({ name: c.name(), aliases: c.aliases(), description: c.description() })),
      argumentChoices: command.registeredArguments.flatMap((a) => a.argChoices ?? []),
      options: [...own, ...globals.filter((o) => !ownLongs.has(o.flags.at(-1))), HELP],
    });
    for (const child of command.commands) {
      const names = [child.name(), ...child.aliases()];
      visit(
        child,
        [...path, child.name()],
        spellings.flatMap((s) => names.map((n) => [...s, n])),
      );
    }
  };
  visit(program, [], [[]]);
  return nodes;
}

function toOption(option: Option): CompletionOption {
  const flags = [option.short, option.long].filter((f): f is string => typeof f === "string");
  const choices = option.argChoices ?? VALUE_CHOICES[option.long ?? ""];
  return {
    flags,
    description: option.description,
    takesValue: option.required || option.optional,
    ...(choices ? { choices } : {}),
  };
}

/** Every flag that consumes the next word, across the tree (the scripts skip those words). */
export function valuedFlags(nodes: CompletionNode[]): string[] {
  return [...new Set(nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))].sort();
}
