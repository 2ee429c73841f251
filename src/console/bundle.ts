/**
 * @module
 * Builds the console's browser assets with `bun build` (minified, browser target, no CDN: Preact and
 * htm are bundled in). Run as a Bun macro by console/assets.ts, so `bun build --compile` inlines the
 * result into the binary (the FROM-scratch image has no source tree) and `bun run` builds it when
 * assets.ts is first imported. Inside a macro Bun.build would deadlock the bundler, so the CLI is
 * spawned instead, as Bun's own error message advises.
 */
import { join } from "node:path";

export interface ConsoleAssets {
  js: string;
  css: string;
  /** Short content hash of js + css: the asset URLs carry it, so browsers may cache them forever. */
  version: string;
}

const UI = join(import.meta.dir, "ui");

function bunBuild(entry: string): string {
  const args = ["build", join(UI, entry), "--minify", "--target=browser", "--format=esm"];
  const result = Bun.spawnSync([process.execPath, ...args], { stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`bun ${args.join(" ")} failed:\n${result.stderr.toString()}`);
  return result.stdout.toString();
}

export function buildConsoleAssets(): ConsoleAssets {
  const js = bunBuild("main.ts");
  const css = bunBuild("styles.css");
  const version = Bun.hash(js + css).toString(36);
  return { js, css, version };
}
