/**
 * Handler styles (issue 15.6): ours (default export, `(req, ctx)`) and the reference JS SDK's
 * (named `handle` export, `(ctx, req)`), written here from the reference's documented signature.
 */
import { describe, expect, test } from "bun:test";
import { handlerOf } from "./load.ts";
import type { Context } from "./sdk.ts";

const ctx = { executionId: "exec-1", traceId: "t-1", isColdStart: false } as Context;
const req = { input: { text: "hello world" }, metadata: { source: "test" } };

describe("handlerOf", () => {
  test("a default export is our (req, ctx) handler", async () => {
    const handler = handlerOf({ default: (r: typeof req, c: Context) => [r.input.text, c.executionId] }, "ours.ts");
    expect(await handler(req, ctx)).toEqual(["hello world", "exec-1"]);
  });

  test("a reference module's named handle(ctx, req) is called with its own argument order", async () => {
    const referenceModule = {
      async handle(c: Context, r: { input: { text: string }; metadata?: Record<string, string> }) {
        const words = r.input.text.split(" ");
        return { executionId: c.executionId, traceId: c.traceId, wordCount: words.length, source: r.metadata?.source };
      },
    };
    const handler = handlerOf(referenceModule, "reference.ts");
    expect(await handler(req, ctx)).toEqual({ executionId: "exec-1", traceId: "t-1", wordCount: 2, source: "test" });
  });

  test("the default export wins when a module has both", async () => {
    const handler = handlerOf({ default: () => "default", handle: () => "named" }, "both.ts");
    expect(await handler(req, ctx)).toBe("default");
  });

  test.each([[{}], [{ default: 42 }], [{ handle: "x" }], [null]])(
    "a module without either is refused, naming both styles: %p",
    (module) => {
      expect(() => handlerOf(module, "bad.ts")).toThrow("named export handle(ctx, req)");
    },
  );
});
