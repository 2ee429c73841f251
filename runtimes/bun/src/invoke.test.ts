import { describe, expect, test } from "bun:test";
import { errorInfoOf, runWithDeadline } from "./invoke.ts";
import { createLogger } from "./logger.ts";
import { type Context, FunctionError, type Handler } from "./sdk.ts";

const ctx = { executionId: "e1", traceId: null, logger: createLogger(() => {}, {}), isColdStart: false };
const run = (handler: Handler, timeoutMs = 1000) =>
  runWithDeadline(handler, { input: null, metadata: {} }, ctx, timeoutMs);

describe("runWithDeadline", () => {
  test.each([
    [{ a: [1, "x"] }, '{"a":[1,"x"]}'],
    ["text", '"text"'],
    [null, "null"],
    [undefined, "null"],
    [0, "0"],
  ])("serialises %j as %s", async (value, body) => {
    expect(await run(async () => value)).toEqual({ ok: true, body });
  });

  test("a FunctionError keeps its code", async () => {
    expect(await run(() => Promise.reject(new FunctionError("BAD_INPUT", "nope")))).toEqual({
      ok: false,
      status: 500,
      error: { code: "BAD_INPUT", message: "nope" },
    });
  });

  test("a synchronous throw is classified like a rejection", async () => {
    const outcome = await run(() => {
      throw new Error("sync boom");
    });
    expect(outcome).toEqual({ ok: false, status: 500, error: { code: "HANDLER_ERROR", message: "sync boom" } });
  });

  test("output that JSON cannot represent is INVALID_OUTPUT", async () => {
    const outcome = await run(async () => ({ big: 10n }));
    expect(outcome).toMatchObject({ ok: false, status: 500, error: { code: "INVALID_OUTPUT" } });
  });

  test("at the deadline the result is 504 HANDLER_TIMEOUT and ctx.signal is aborted", async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const outcome = await run((_req, c: Context) => {
      seen = c.signal;
      // Rejects once aborted, after the outcome is decided: must not surface as unhandled.
      return new Promise((_resolve, reject) => c.signal.addEventListener("abort", () => reject(c.signal.reason)));
    }, 50);
    expect(performance.now() - started).toBeLessThan(500);
    expect(outcome).toMatchObject({ ok: false, status: 504, error: { code: "HANDLER_TIMEOUT" } });
    expect(seen?.aborted).toBe(true);
    expect((seen!.reason as DOMException).name).toBe("TimeoutError");
  });
});

describe("errorInfoOf", () => {
  test("recognises a FunctionError from another copy of the SDK by its brand", () => {
    const foreign = Object.assign(new Error("from a bundle"), {
      code: "FOREIGN",
      [Symbol.for("nanofaas.FunctionError")]: true,
    });
    expect(errorInfoOf(foreign)).toEqual({ code: "FOREIGN", message: "from a bundle" });
  });

  test("an Error's own code property (e.g. ENOENT) does not leak out as the error code", () => {
    expect(errorInfoOf(Object.assign(new Error("no file"), { code: "ENOENT" }))).toEqual({
      code: "HANDLER_ERROR",
      message: "no file",
    });
  });

  test.each([
    ["a string", "went wrong", "went wrong"],
    ["an object", { weird: true }, "Unknown error"],
  ])("a thrown %s becomes HANDLER_ERROR", (_kind, thrown, message) => {
    expect(errorInfoOf(thrown)).toEqual({ code: "HANDLER_ERROR", message });
  });
});
