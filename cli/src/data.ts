/**
 * @module
 * The input of `invoke`/`enqueue`: `--data` is inline JSON, `@file` or `@-` (stdin);
 * `--payload file` reads a payload file (`{"description", "input", "expected"}`, the format of the
 * examples' and `nanofaas init`'s payloads/ folders) and sends only its `input` — the reference
 * CLI sent the whole file.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { usageError } from "./errors";
import type { Io } from "./session";

export interface DataFlags {
  data?: string;
  payload?: string;
}

export async function readInput(flags: DataFlags, io: Io): Promise<unknown> {
  if (flags.data !== undefined && flags.payload !== undefined)
    throw usageError("use either --data or --payload, not both");
  if (flags.payload !== undefined) {
    const file = parseJson(await readText(flags.payload, io), flags.payload) as { input?: unknown } | null;
    if (typeof file !== "object" || file === null || !("input" in file))
      throw usageError(`${flags.payload}: a payload file needs an "input" field`);
    return file.input;
  }
  if (flags.data === undefined)
    throw usageError("missing input: pass --data '<json>', --data @file, --data @- (stdin) or --payload <file>");
  if (flags.data === "@-") return parseJson(await io.readStdin(), "stdin");
  if (flags.data.startsWith("@")) return parseJson(await readText(flags.data.slice(1), io), flags.data.slice(1));
  return parseJson(flags.data, "--data");
}

async function readText(path: string, io: Io): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), "utf8");
  } catch (error) {
    throw usageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const hint = source === "--data" && !/^\s*[[{"]/.test(text) ? ` (a string must be quoted: --data '"${text}"')` : "";
    throw usageError(`${source} is not valid JSON${hint}`);
  }
}
