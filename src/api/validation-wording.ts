/**
 * @module
 * Request-validation failures in words a person can act on. zod's defaults read like a type
 * checker ("name: Invalid input: expected string, received undefined"); here each issue becomes
 * "name is required", "timeoutMs must be at least 1", "executionMode must be one of LOCAL, POOL…".
 * Messages a schema wrote itself (e.g. "must be lower-case letters…") are kept as they are.
 *
 * Details stay `field: phrase` (the convention of every other error's details, which clients split
 * on the first colon); the envelope's message is the same phrases as sentences.
 */
import type { z } from "zod";
import { NanofaasError } from "../domain/errors";

type Issue = z.core.$ZodIssue;

/** zod's own default messages start like this; anything else was written by our schemas. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized key)/;

/** What one issue means, without the field name: "is required", "must be a string, got number". */
export function phraseFor(issue: Issue): string {
  if (!ZOD_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "invalid_type": {
      const received = /received (\w+)$/.exec(issue.message)?.[1];
      if (received === "undefined") return "is required";
      return `must be ${article(issue.expected)}${received ? `, got ${received}` : ""}`;
    }
    case "too_small":
      return issue.origin === "string" || issue.origin === "array"
        ? `must have at least ${issue.minimum} ${issue.origin === "string" ? "character" : "item"}${Number(issue.minimum) === 1 ? "" : "s"}`
        : `must be ${issue.inclusive === false ? "greater than" : "at least"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string" || issue.origin === "array"
        ? `must have at most ${issue.maximum} ${issue.origin === "string" ? "characters" : "items"}`
        : `must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `has unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.join(", ")}`;
    case "invalid_format":
      return `must be a valid ${issue.format}`;
    default:
      return "is not valid";
  }
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  if (expected === "record" || expected === "object") return "a JSON object";
  if (expected === "array") return "a JSON array";
  return `${/^[aeiou]/.test(expected) ? "an" : "a"} ${expected}`;
}

const fieldOf = (issue: Issue) => issue.path.map(String).join(".") || "body";

/** An invocation body that holds the input itself instead of `{"input": …}`: say how to wrap it. */
function wrapHint(body: unknown): string {
  const shown = JSON.stringify(body);
  const example = shown !== undefined && shown.length <= 200 ? shown : '{"text": "hello"}';
  return `the body must wrap the function's input in an "input" field: {"input": ${example}}`;
}

/**
 * The 400 for a failed request validation. `body` is what was validated; `invocation` says the
 * route takes `{"input": …}`, so a body without that field gets the wrap-it hint.
 */
export function validationError(issues: readonly Issue[], body: unknown, invocation: boolean): NanofaasError {
  const unwrapped =
    invocation && !(typeof body === "object" && body !== null && !Array.isArray(body) && "input" in body);
  const details = issues.map((issue) => {
    const field = fieldOf(issue);
    if (unwrapped && field === "input") return `input: is required — ${wrapHint(body)}`;
    if (unwrapped && field === "body") return `body: ${phraseFor(issue)} — ${wrapHint(body)}`;
    return `${field}: ${phraseFor(issue)}`;
  });
  const sentences = details.map((d) =>
    d.startsWith("body: ") ? `the body ${d.slice(6)}` : d.replace(/^([^:]+): /, "$1 "),
  );
  return new NanofaasError("VALIDATION_ERROR", sentences.join("; "), { details });
}
