/**
 * @module
 * The scopes a credential can hold (SPEC-platform §2) and the one rule that says whether held
 * scopes grant a required one. `admin` grants everything; `functions:invoke` may be narrowed to a
 * function name or a glob (`functions:invoke:report-*`), which grants invoking matching names only.
 */

export const SCOPES = [
  "functions:read",
  "functions:write",
  "functions:invoke",
  "executions:read",
  "dlq:write",
  "workflows:write",
  "workflows:run",
  "admin",
] as const;
export type Scope = (typeof SCOPES)[number];

const INVOKE = "functions:invoke";
const INVOKE_NARROWED = `${INVOKE}:`;
/** A narrowed invoke scope's name part: the function-name alphabet plus `*` and `?` wildcards. */
const NARROWED_NAME = /^[a-z0-9*?]([a-z0-9*?-]{0,61}[a-z0-9*?])?$/;

/** Undefined when `text` is a valid scope, else why not (for 400 messages and the keys file). */
export function scopeProblem(text: string): string | undefined {
  if ((SCOPES as readonly string[]).includes(text)) return undefined;
  if (text.startsWith(INVOKE_NARROWED) && NARROWED_NAME.test(text.slice(INVOKE_NARROWED.length))) return undefined;
  return `unknown scope '${text}' (expected one of ${SCOPES.join(", ")}, or functions:invoke:<name or glob>)`;
}

/** A compiled set of held scopes, checked once per request. */
export interface ScopeSet {
  readonly list: readonly string[];
  /** Whether these scopes allow `required` (for `functions:invoke`, on function `name`). */
  grants(required: Scope, name?: string): boolean;
}

export function scopeSet(scopes: readonly string[]): ScopeSet {
  const plain = new Set(scopes);
  const invokeGlobs = scopes
    .filter((s) => s.startsWith(INVOKE_NARROWED))
    .map((s) => globToRegExp(s.slice(INVOKE_NARROWED.length)));
  const admin = plain.has("admin");
  return {
    list: scopes,
    grants(required, name) {
      if (admin || plain.has(required)) return true;
      if (required !== INVOKE || name === undefined) return false;
      for (const glob of invokeGlobs) if (glob.test(name)) return true;
      return false;
    },
  };
}

/** `*` any run of characters, `?` one; everything else literal (names hold no regex syntax). */
function globToRegExp(glob: string): RegExp {
  const body = glob.replaceAll("*", ".*").replaceAll("?", ".");
  return new RegExp(`^${body}$`);
}
