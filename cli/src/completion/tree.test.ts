import { expect, test } from "bun:test";
import { Command, Option } from "commander";
import { bashScript } from "./bash";
import { completionTree, valuedFlags } from "./tree";

const program = () => {
  const root = new Command("nanofaas").option("-o, --output <format>", "format").version("1", "-V, --version");
  const fn = root.command("fn");
  fn.command("list").alias("ls").option("--all", "everything");
  fn.command("cook <name>").addOption(new Option("--heat <level>", "how hot").choices(["low", "high"]));
  return root;
};

test("a command added to the tree completes with no change to the scripts", () => {
  const nodes = completionTree(program());
  const cook = nodes.find((n) => n.path === "fn cook")!;
  expect(cook.options.map((o) => o.flags.join(","))).toEqual(["--heat", "-o,--output", "-h,--help"]);
  expect(cook.options[0]).toMatchObject({ takesValue: true, choices: ["low", "high"] });
  expect(nodes.find((n) => n.path === "fn")!.commands.map((c) => [c.name, ...c.aliases])).toEqual([
    ["list", "ls"],
    ["cook"],
  ]);
  expect(nodes.find((n) => n.path === "fn list")!.spellings).toEqual(["fn list", "fn ls"]);
  expect(valuedFlags(nodes)).toEqual(["--heat", "--output", "-o"]);
  const script = bashScript(nodes);
  expect(script).toContain("'fn') echo 'list ls cook' ;;");
  expect(script).toContain("'--heat') echo 'low high' ;;");
});

test("--version is offered at the root only; --output completes its formats", () => {
  const nodes = completionTree(program());
  expect(nodes[0]!.options.map((o) => o.flags.at(-1))).toEqual(["--output", "--version", "--help"]);
  expect(nodes.find((n) => n.path === "fn")!.options.map((o) => o.flags.at(-1))).toEqual(["--output", "--help"]);
  expect(nodes[0]!.options[0]!.choices).toEqual(["table", "json", "yaml"]);
});
