import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { validationError } from "./validation-wording";

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues;
};
const worded = (schema: z.ZodType, value: unknown, invocation = false) =>
  validationError(issuesOf(schema, value), value, invocation);

describe("validation wording", () => {
  const Spec = z.strictObject({
    name: z.string(),
    timeoutMs: z.int().min(1).max(300_000).optional(),
    mode: z.enum(["LOCAL", "POOL"]).optional(),
    tags: z.array(z.string()).min(1).optional(),
    label: z
      .string()
      .regex(/^[a-z]+$/, "must be lower-case letters")
      .optional(),
  });

  test("a missing field is 'is required', in the message and in the details", () => {
    const error = worded(Spec, {});
    expect(error.code).toBe("VALIDATION_ERROR");
    expect(error.message).toBe("name is required");
    expect(error.details).toEqual(["name: is required"]);
  });

  test("types, bounds, enums and unknown fields in plain words; a schema's own message is kept", () => {
    const error = worded(Spec, { name: 1, timeoutMs: 0, mode: "X", tags: [], label: "A", extra: true });
    expect(error.details).toEqual([
      "name: must be a string, got number",
      "timeoutMs: must be at least 1",
      "mode: must be one of LOCAL, POOL",
      "tags: must have at least 1 item",
      "label: must be lower-case letters",
      "body: has unknown field extra",
    ]);
    expect(error.message).toBe(
      "name must be a string, got number; timeoutMs must be at least 1; mode must be one of LOCAL, POOL; tags must have at least 1 item; label must be lower-case letters; the body has unknown field extra",
    );
    expect(worded(Spec, { name: "a", timeoutMs: 1.5 }).details).toEqual(["timeoutMs: must be an integer, got number"]);
    expect(worded(Spec, { name: "a", timeoutMs: 300_001 }).details).toEqual(["timeoutMs: must be at most 300000"]);
  });

  test("an invocation body without the input wrapper says how to wrap it, with the body as the example", () => {
    const Invocation = z.object({ input: z.any().refine((v) => v !== undefined, "Input payload is required") });
    const error = worded(Invocation, { text: "hi" }, true);
    expect(error.message).toBe(
      'input is required — the body must wrap the function\'s input in an "input" field: {"input": {"text":"hi"}}',
    );
    expect(worded(Invocation, { input: undefined, other: 1 }, false).details).toEqual([
      "input: Input payload is required",
    ]);
  });

  test("a large unwrapped body is not echoed back; a generic example is shown", () => {
    const Invocation = z.object({ input: z.any().refine((v) => v !== undefined, "required") });
    const error = worded(Invocation, { text: "x".repeat(500) }, true);
    expect(error.message).toEndWith('{"input": {"text": "hello"}}');
    expect(error.message.length).toBeLessThan(200);
  });
});
