/**
 * @module
 * The console's assets, built once at bundle time (a Bun macro: see bundle.ts) and embedded as
 * string constants. Bun-only; main.ts imports this lazily, so starting the control plane from
 * source does not pay for the build until someone opens /ui.
 */
import { buildConsoleAssets } from "./bundle" with { type: "macro" };
import type { ConsoleAssets } from "./bundle";

export const CONSOLE_ASSETS: ConsoleAssets = buildConsoleAssets();
