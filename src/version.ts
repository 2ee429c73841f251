/**
 * @module
 * The version string: package.json's version, plus the git commit when the build injects one
 * (`bun build --define NANOFAAS_GIT_SHA='"abc123"'`).
 */
import pkg from "../package.json" with { type: "json" };

declare const NANOFAAS_GIT_SHA: string | undefined;

const sha = typeof NANOFAAS_GIT_SHA === "string" && NANOFAAS_GIT_SHA !== "" ? NANOFAAS_GIT_SHA : undefined;

export const VERSION: string = sha ? `${pkg.version}+${sha}` : pkg.version;
