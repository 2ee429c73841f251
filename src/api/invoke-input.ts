/**
 * @module
 * The invoke contract at the edge, in one place: which requests are invocations (path and verb),
 * the headers (`X-Timeout-Ms` and the pass-through ones) and the body. Both the fast path
 * (fast-invoke.ts) and the OpenAPI route (routes/invocations.ts) read requests through this module,
 * so they cannot disagree. The body's `input` stays the text the client sent (see lib/raw-json).
 */
import { Header } from "../contracts/headers";
import { INVOKE_VERBS, type InvokeVerb, MAX_TIMEOUT_MS } from "../contracts/invocation";
import type { Payload } from "../domain/payload";
import type { InvocationRequest } from "../contracts/pod";
import { NanofaasError } from "../domain/errors";
import type { InvokeOptions } from "../execution/invoker";
import { exceedsDepth, hasNonFiniteNumber, topLevelMember } from "../lib/json-scan";
import { RawJson } from "../lib/raw-json";

const PREFIX = "/v1/functions/";

/** `http://host/v1/functions/{name}:invoke` → name and verb; undefined for anything else (query strings too). */
export function parseInvokeTarget(url: string): { name: string; verb: InvokeVerb } | undefined {
  const start = url.indexOf(PREFIX, url.indexOf("//") + 2);
  if (start < 0 || url.includes("?", start)) return undefined;
  const rest = url.slice(start + PREFIX.length);
  const colon = rest.lastIndexOf(":");
  if (colon <= 0 || rest.includes("/") || rest.includes("%")) return undefined;
  const verb = rest.slice(colon + 1) as InvokeVerb;
  if (!INVOKE_VERBS.includes(verb)) return undefined;
  return { name: rest.slice(0, colon), verb };
}

const TIMEOUT_RANGE = `must be an integer between 1 and ${MAX_TIMEOUT_MS}`;

/** `X-Timeout-Ms`: ASCII digits only (no sign, spaces, hex or exponent), 1..MAX_TIMEOUT_MS. */
export function parseTimeoutMs(raw: string): { ms: number } | { problem: string } {
  if (!/^[0-9]{1,7}$/.test(raw)) return { problem: TIMEOUT_RANGE };
  const ms = Number(raw);
  return ms >= 1 && ms <= MAX_TIMEOUT_MS ? { ms } : { problem: TIMEOUT_RANGE };
}

const nonBlank = (value: string | null) => (value !== null && value.trim() !== "" ? value : undefined);

/** Invoke options from the request headers; throws VALIDATION_ERROR for a bad X-Timeout-Ms on `:invoke`. */
export function readInvokeOptions(headers: Headers, verb: InvokeVerb): InvokeOptions {
  const options: InvokeOptions = {
    idempotencyKey: nonBlank(headers.get(Header.idempotencyKey)),
    traceId: nonBlank(headers.get(Header.traceId)),
    traceparent: nonBlank(headers.get(Header.traceparent)),
    tracestate: nonBlank(headers.get(Header.tracestate)),
  };
  const timeout = headers.get(Header.timeoutMs);
  if (verb === "invoke" && timeout !== null) {
    const parsed = parseTimeoutMs(timeout);
    if ("problem" in parsed) throw validationError(`${Header.timeoutMs.toLowerCase()}: ${parsed.problem}`);
    options.timeoutMs = parsed.ms;
  }
  const version = headers.get(Header.functionVersion);
  if (version !== null) {
    if (!/^[0-9]{1,9}$/.test(version) || Number(version) < 1) {
      throw validationError(`${Header.functionVersion.toLowerCase()}: must be a version number (an integer >= 1)`);
    }
    options.version = Number(version);
  }
  return options;
}

const validationError = (detail: string) =>
  new NanofaasError("VALIDATION_ERROR", "Request validation failed", { details: [detail] });

/** A metadata value as the reference's Jackson bound it: strings kept, numbers and booleans as text. */
export function metadataValue(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function readMetadata(value: unknown): Record<string, string> | null | undefined {
  if (value === null || value === undefined) return value;
  if (typeof value !== "object" || Array.isArray(value))
    throw validationError("metadata: must be an object of strings");
  const out: Record<string, string> = {};
  for (const key in value) {
    const text = metadataValue((value as Record<string, unknown>)[key]);
    if (text === undefined) throw validationError(`metadata.${key}: must be a string, number or boolean`);
    out[key] = text;
  }
  return out;
}

/**
 * Checks JSON text the way every body that enters is checked: nesting within `maxDepth` (before any
 * parse), then JSON.parse, then no number that overflows to Infinity. Throws BAD_REQUEST naming the
 * problem.
 */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  if (exceedsDepth(text, maxDepth))
    throw new NanofaasError(
      "BAD_REQUEST",
      `JSON nesting is deeper than the limit of ${maxDepth} (NANOFAAS_MAX_JSON_DEPTH)`,
    );
  if (text.trim() === "") throw new NanofaasError("BAD_REQUEST", "Request body is missing");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NanofaasError("BAD_REQUEST", "Malformed JSON request body");
  }
  if (hasNonFiniteNumber(text))
    throw new NanofaasError("BAD_REQUEST", "A number in the request body is out of range (it would become Infinity)");
  return value;
}

/** The text of top-level member `key` of a parsed object body, or undefined when absent. */
export function rawMember(text: string, value: object, key: string): RawJson | undefined {
  if (!Object.hasOwn(value, key)) return undefined;
  let keys = 0;
  for (const _ in value) keys++;
  const span = topLevelMember(text, key, keys === 1);
  return span && new RawJson(text.slice(span[0], span[1]));
}

/**
 * An invocation body: `{"input": <any JSON, null included>, "metadata"?: {string: scalar}}`. The
 * input is kept as the client's text; metadata scalars become strings. Throws NanofaasError (400).
 */
export function parseInvokeBody(text: string, maxDepth: number): InvocationRequest<Payload> {
  const value = parseJsonBody(text, maxDepth);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw validationError("body: must be a JSON object");
  const input = rawMember(text, value, "input");
  if (!input) throw validationError("input: Input payload is required");
  return { input, metadata: readMetadata((value as { metadata?: unknown }).metadata) };
}
