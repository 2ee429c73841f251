/**
 * @module
 * Builds `@nanofaas/client` for publishing (`npm pack`/`npm publish` in openapi/client run it as
 * `prepack`): tsc emits `dist/index.js` + `dist/index.d.ts` as NodeNext ESM, so the package loads
 * under plain Node.js ≥ 20 and any bundler, and the generated `schema.d.ts` is copied beside them
 * (tsc never copies a `.d.ts`). Nothing of the repository's `src/` goes in.
 */
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const here = import.meta.dir;
const dist = join(here, "dist");

export function buildClientPackage(): void {
  rmSync(dist, { recursive: true, force: true });
  const tsc = Bun.resolveSync("typescript/bin/tsc", here);
  const result = Bun.spawnSync([process.execPath, tsc, "-p", join(here, "tsconfig.build.json")], {
    stdout: "inherit",
    stderr: "inherit",
  });
  if (result.exitCode !== 0) throw new Error(`tsc failed (exit ${result.exitCode}) building @nanofaas/client`);
  copyFileSync(join(here, "schema.d.ts"), join(dist, "schema.d.ts"));
}

if (import.meta.main) buildClientPackage();
