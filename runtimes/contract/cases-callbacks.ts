/**
 * @module
 * The callback cases of the pod contract: the pod posts each outcome to `{X-Callback-Url}/{id}:complete`
 * and retries a failed post. They need a receiver the pod can reach (`CaseContext.receiver`, whose
 * first callback for an id containing "flaky" is answered 503).
 */
import { Header } from "../../src/contracts/headers.ts";
import type { CaseContext, ContractCase, ContractOptions } from "./cases.ts";
import { check, expectStatus, same } from "./checks.ts";
import { invoke, newExecutionId } from "./client.ts";
import type { FakeControlPlane } from "./fake-control-plane.ts";

function receiverOf(ctx: CaseContext): FakeControlPlane {
  if (!ctx.receiver || !ctx.startReceiver) throw new Error("a callback case needs a callback receiver");
  return ctx.receiver;
}

const headersFor = (receiver: FakeControlPlane, attempt: string) => ({
  [Header.callbackUrl]: receiver.url,
  [Header.dispatchAttempt]: attempt,
  [Header.traceId]: "trace-cb",
  [Header.callbackToken]: `token-${attempt}`,
});

export function callbackCases(options: ContractOptions): ContractCase[] {
  const callbacks = (name: string, run: ContractCase["run"]): ContractCase => ({ name, group: "callbacks", run });
  return [
    callbacks("a success is posted to {base}/{id}:complete with the attempt, trace and token headers", async (ctx) => {
      const receiver = receiverOf(ctx);
      const id = newExecutionId("cb-ok");
      const input = { op: "echo", value: { n: 1 } };
      const reply = await invoke(ctx.baseUrl, input, {
        executionId: id,
        headers: headersFor(receiver, "2"),
        signal: ctx.signal,
      });
      expectStatus(reply, 200);
      const [callback] = await receiver.waitFor(`/${id}:complete`);
      same(callback?.path, `/v1/internal/executions/${id}:complete`, "callback path");
      same(callback?.body, { success: true, output: { n: 1 }, error: null }, "callback body");
      same(callback?.headers.get(Header.dispatchAttempt), "2", `callback ${Header.dispatchAttempt}`);
      same(callback?.headers.get(Header.traceId), "trace-cb", `callback ${Header.traceId}`);
      same(callback?.headers.get(Header.callbackToken), "token-2", `callback ${Header.callbackToken}`);
    }),
    callbacks("a failure is posted with success false and the error", async (ctx) => {
      const receiver = receiverOf(ctx);
      const id = newExecutionId("cb-fail");
      const input = { op: "fail", code: "NOPE", message: "no" };
      await invoke(ctx.baseUrl, input, { executionId: id, headers: headersFor(receiver, "1"), signal: ctx.signal });
      const [callback] = await receiver.waitFor(`/${id}:complete`);
      const body = callback?.body as { success?: unknown; output?: unknown; error?: { code?: unknown } } | undefined;
      same(Object.keys(body ?? {}).sort(), ["error", "output", "success"], "keys of the callback body");
      same([body?.success, body?.output], [false, null], "callback success and output");
      same(Object.keys(body?.error ?? {}).sort(), ["code", "message"], "keys of the callback error");
      same(body?.error?.code, options.handlerErrorCode ?? "NOPE", "callback error.code");
      check(typeof (body?.error as { message?: unknown })?.message === "string", "callback error.message is no string");
    }),
    callbacks("a callback answered with 503 is tried again", async (ctx) => {
      const receiver = receiverOf(ctx);
      const id = newExecutionId("cb-flaky");
      const input = { op: "echo", value: 3 };
      await invoke(ctx.baseUrl, input, { executionId: id, headers: headersFor(receiver, "1"), signal: ctx.signal });
      const calls = await receiver.waitFor(`/${id}:complete`, 2);
      const success = { success: true, output: 3, error: null };
      same(
        calls.map((c) => c.body),
        [success, success],
        "the two callback bodies",
      );
      const gap = calls[1]!.at - calls[0]!.at;
      check(gap >= 90, `the retry came ${gap} ms after the 503: at least ~100 ms of backoff expected`);
    }),
    callbacks("the response does not wait for the callback", async (ctx) => {
      receiverOf(ctx);
      const slow = ctx.startReceiver!({ delayMs: 1500 });
      try {
        const id = newExecutionId("cb-slow");
        const reply = await invoke(
          ctx.baseUrl,
          { op: "echo", value: 4 },
          { executionId: id, headers: { [Header.callbackUrl]: slow.url }, signal: ctx.signal },
        );
        expectStatus(reply, 200);
        await slow.waitFor(`/${id}:complete`);
        check(reply.ms < 1000, `the reply took ${Math.round(reply.ms)} ms: it waited for the 1500 ms callback`);
      } finally {
        await slow.stop();
      }
    }),
  ];
}
