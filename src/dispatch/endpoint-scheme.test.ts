import { describe, expect, test } from "bun:test";
import type { ExecutionRecord } from "../execution/execution-record";
import { bodyExcerpt, isHttpUrl } from "./endpoint-scheme";
import { createPoolDispatcher } from "./pool-dispatcher";

test.each([
  ["http://127.0.0.1:8080/invoke", true],
  ["https://fn.example/invoke", true],
  ["HTTPS://FN.EXAMPLE/", true],
  ["file:///etc/passwd", false],
  ["data:application/json,{}", false],
  ["blob:x", false],
  ["", false],
  ["http:/x", false],
  ["ftp://a", false],
])("isHttpUrl(%p) is %p", (url, expected) => {
  expect(isHttpUrl(url)).toBe(expected);
});

test("bodyExcerpt keeps short text as it is", () => {
  expect(bodyExcerpt("pod says no")).toBe("pod says no");
});

test("bodyExcerpt replaces control characters and cuts long text with a marker", () => {
  expect(bodyExcerpt("a\u001b[31mb\u0000c")).toBe("a [31mb c");
  const cut = bodyExcerpt("x".repeat(50), 10);
  expect(cut).toBe(`${"x".repeat(10)}… (40 more characters)`);
});

describe("the pool dispatcher", () => {
  // Only what dispatch() reads before the scheme check: the guard must stop it before any fetch.
  const record = { id: "e-1", fn: { timeoutMs: 1000 }, body: "{}", trace: {} } as unknown as ExecutionRecord;

  test.each(["file:///etc/passwd", 'data:application/json,{"leak":1}', "FILE:///proc/self/environ"])(
    "never fetches %p",
    async (endpoint) => {
      const fetched: string[] = [];
      const spy = (async (url: string | URL | Request) => {
        fetched.push(String(url));
        return new Response("{}");
      }) as typeof fetch;
      const dispatcher = createPoolDispatcher({ maxResponseBytes: 1024, maxJsonDepth: 256, fetch: spy });
      const result = await dispatcher.dispatch({ record, attempt: 1, endpoint, settled: new AbortController().signal });
      expect(fetched).toEqual([]);
      expect(result).toMatchObject({
        ok: false,
        error: { code: "POOL_ERROR", message: "endpointUrl must be an http:// or https:// URL" },
      });
    },
  );
});
