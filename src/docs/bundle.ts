/**
 * @module
 * Reads the API reference's standalone browser bundle (`@scalar/api-reference`, pinned exact in
 * package.json: its single-file UMD build, which defines `window.Scalar`) from node_modules. Run as
 * a Bun macro by docs/assets.ts, so `bun build --compile` inlines the file into the binary (the
 * FROM-scratch image has no node_modules) and `bun run` reads it when assets.ts is first imported.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export interface ApiReferenceAssets {
  /** The standalone bundle's source. */
  js: string;
  /** The package version plus a short content hash: the asset URL carries it, so it may be cached forever. */
  version: string;
}

export function readApiReferenceAssets(): ApiReferenceAssets {
  // The package exports only its module entry (dist/index.js); the browser bundle sits beside it.
  const entry = Bun.resolveSync("@scalar/api-reference", import.meta.dir);
  const root = dirname(dirname(entry));
  const js = readFileSync(join(root, "dist/browser/standalone.js"), "utf8");
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  return { js, version: `${version}-${Bun.hash(js).toString(36)}` };
}
