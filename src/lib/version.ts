/**
 * @module
 * The version string: package.json's version, plus the git commit when the build injects one
 * (`bun build --define NANOFAAS_GIT_SHA='"abc123"'`).
 */
// A named import lets the bundler keep only the version string, not the whole package.json.
import { version as packageVersion } from "../../package.json" with { type: "json" };

declare const NANOFAAS_GIT_SHA: string | undefined;

const sha = typeof NANOFAAS_GIT_SHA === "string" && NANOFAAS_GIT_SHA !== "" ? NANOFAAS_GIT_SHA : undefined;

export const VERSION: string = sha ? `${packageVersion}+${sha}` : packageVersion;
