/**
 * @module
 * Google-style custom verbs (`/v1/functions/{name}:invoke`) share a path segment with the name, which
 * Hono's router cannot split. We rewrite them to an internal sub-path before routing and rename the
 * paths back when publishing the OpenAPI document, so clients only ever see the reference paths.
 * Every method is rewritten, so `GET /v1/functions/x:invoke` reaches no route and answers 405 with
 * `Allow: POST` (a function name cannot contain `:`, so it cannot be a lookup).
 */
import { getPath } from "hono/utils/url";
import { CUSTOM_VERBS } from "../contracts/invocation";

/** Internal marker segment: `~` cannot appear in a function name or an execution id we issue. */
const INTERNAL_PREFIX = "/~";
const VERBS = CUSTOM_VERBS.join("|");
// Verb targets: a function, an internal execution, a DLQ entry or the DLQ, a schedule, a webhook,
// a workflow, a workflow run.
const VERB = new RegExp(
  `^(/v1/(?:(?:functions|internal/executions|dlq|webhooks|workflows|workflow-runs)/[^/]+|functions/[^/]+/schedules/[^/]+|dlq))(?::|%3[aA])(${VERBS})$`,
);
const PUBLIC_SUFFIX = new RegExp(`:(${VERBS})$`);
const INTERNAL_SUFFIX = new RegExp(`/~(${VERBS})$`);

/** `getPath` for the Hono app: rewrites `…/{x}:verb` to `…/{x}/~verb`. */
export function getPathWithCustomVerbs(request: Request): string {
  const path = getPath(request);
  if (!path.includes(":") && !path.includes("%3")) return path;
  const match = VERB.exec(path);
  return match ? `${match[1]}${INTERNAL_PREFIX}${match[2]}` : path;
}

/** The internal route path for a public one: `/v1/functions/{name}:invoke` → `/v1/functions/{name}/~invoke`. */
export const internalPath = (publicPath: string) => publicPath.replace(PUBLIC_SUFFIX, `${INTERNAL_PREFIX}$1`);

/** Renames internal paths in an OpenAPI document back to the published `:verb` form. */
export function publishCustomVerbPaths<T extends { paths?: Record<string, unknown> }>(doc: T): T {
  if (!doc.paths) return doc;
  const paths: Record<string, unknown> = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    paths[publishedVerbPath(path)] = item;
  }
  return { ...doc, paths };
}

/** `…/{x}/~verb` → `…/{x}:verb`; any other path unchanged. */
export const publishedVerbPath = (internal: string) => internal.replace(INTERNAL_SUFFIX, ":$1");
