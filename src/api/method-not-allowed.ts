/**
 * @module
 * Hono answers "no route" for both unknown paths and known paths with the wrong method. This tells
 * them apart so the API can answer 405 with an `Allow` header instead of a misleading 404.
 */
import type { RouterRoute } from "hono/types";

export type AllowedMethods = (path: string) => string[];

export function allowedMethodsFor(routes: readonly RouterRoute[]): AllowedMethods {
  const patterns = routes
    .filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method.toUpperCase(), regex: toRegex(r.path) }));
  return (path) => [...new Set(patterns.filter((p) => p.regex.test(path)).map((p) => p.method))];
}

function toRegex(routePath: string): RegExp {
  const source = routePath
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\~]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}
