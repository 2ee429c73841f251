/**
 * @module
 * Writes test/fixtures/reference-api.json: the FACTS of the Java reference's API document
 * (`nanofaas-openapi.yaml`, from the reference's source tree; by default `../shared/reference/`
 * beside this repository) — its paths, methods, operation ids, parameters, request/response
 * schemas, field names, types, bounds, enums and status codes — with every piece of prose
 * (summary, description, example, title) removed.
 *
 * The compatibility tests (api-openapi.test.ts, client-reference.test.ts) and the reference client
 * (`just client`) read only the fixture, so they run on a clone that has nothing beside it. Run this
 * by hand (`bun scripts/extract-reference-api.ts [path/to/nanofaas-openapi.yaml]`) only when the
 * reference's contract changes.
 */
import { resolve } from "node:path";
import { parse } from "yaml";

const REPO_ROOT = resolve(import.meta.dir, "..");
export const FIXTURE = resolve(REPO_ROOT, "test/fixtures/reference-api.json");
const PROSE = new Set(["summary", "description", "example", "examples", "title"]);

/** A copy of `node` without prose keys; map keys that are data (paths, properties) are kept. */
export function stripProse(node: unknown, parentKey = ""): unknown {
  if (Array.isArray(node)) return node.map((item) => stripProse(item));
  if (node === null || typeof node !== "object") return node;
  // Under these keys every key is a name (a path, a field, a status code), never prose.
  const namesOnly = ["paths", "properties", "responses", "schemas", "parameters", "headers", "content"].includes(
    parentKey,
  );
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!namesOnly && PROSE.has(key)) continue;
    out[key] = stripProse(value, key);
  }
  return out;
}

/** The fixture: where the facts come from, then the reference's structure without its prose. */
export function referenceFacts(reference: Record<string, unknown>): Record<string, unknown> {
  const { openapi, paths, components } = stripProse(reference) as Record<string, unknown>;
  const version = (reference.info as { version?: string } | undefined)?.version ?? "unknown";
  return {
    openapi,
    info: {
      title: "reference API facts",
      version,
      "x-source":
        "Facts (operations, parameters, fields, types, bounds, enums, status codes) extracted from the Java " +
        `reference's nanofaas-openapi.yaml (API version ${version}) by scripts/extract-reference-api.ts; ` +
        "all prose removed. Used by the compatibility tests and openapi/reference-client.",
    },
    paths,
    components,
  };
}

if (import.meta.main) {
  const source = resolve(process.argv[2] ?? resolve(REPO_ROOT, "../shared/reference/nanofaas-openapi.yaml"));
  const facts = referenceFacts(parse(await Bun.file(source).text()) as Record<string, unknown>);
  await Bun.write(FIXTURE, `${JSON.stringify(facts, null, 2)}\n`);
  console.log(`wrote ${FIXTURE} from ${source}`);
}
