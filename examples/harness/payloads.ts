/**
 * @module
 * Loads an example's payload files and runs inputs through its TypeScript and Python handlers.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Handler } from "../../runtimes/bun/src/sdk.ts";

export const EXAMPLES_DIR = resolve(import.meta.dir, "..");
export const FAMILIES = ["word-stats", "json-transform", "roman-numeral"] as const;
export type Family = (typeof FAMILIES)[number];

export interface Payload {
  file: string;
  description: string;
  input: unknown;
  expected: unknown;
}

export function loadPayloads(family: Family): Payload[] {
  return loadPayloadDir(join(EXAMPLES_DIR, family, "payloads"));
}

/** Every `*.json` payload file of `dir`, by name (also what `nanofaas contract payloads` reads). */
export function loadPayloadDir(dir: string): Payload[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), "utf8")) as Omit<Payload, "file">) }));
}

const ctx = {
  executionId: "test",
  traceId: null,
  isColdStart: false,
  signal: new AbortController().signal,
} as Parameters<Handler>[1];

/** Output JSON texts of the TypeScript handler for JSON input texts. */
export async function runTypeScript(family: Family, inputs: string[]): Promise<string[]> {
  const module = (await import(join(EXAMPLES_DIR, family, "ts", "handler.ts"))) as { default: Handler<unknown> };
  return Promise.all(
    inputs.map(async (text) => JSON.stringify(await module.default({ input: JSON.parse(text), metadata: {} }, ctx))),
  );
}

/** Output JSON texts of the Python handler (one python3 process for all inputs). */
export async function runPython(family: Family, inputs: string[]): Promise<string[]> {
  const handler = join(EXAMPLES_DIR, family, "python", "handler.py");
  const proc = Bun.spawn(["python3", join(EXAMPLES_DIR, "harness", "run_python.py")], {
    stdin: new TextEncoder().encode(JSON.stringify({ handler, inputs })),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`python harness failed (${code}): ${err}`);
  return JSON.parse(out) as string[];
}
