/**
 * @module
 * The contract handler for the Bun runtime: what it does is chosen by `input.op` (see
 * runtimes/contract/README.md). The Python and STDIO twins behave the same.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { FunctionError, type Handler } from "../../bun/src/sdk.ts";

interface Op {
  op?: string;
  value?: unknown;
  code?: string;
  message?: string;
  ms?: number;
  marker?: string;
}

const handler: Handler<Op | null> = async ({ input, metadata }, ctx) => {
  switch (input?.op) {
    case "echo":
      return input.value ?? null;
    case "context":
      return { executionId: ctx.executionId, traceId: ctx.traceId, metadata };
    case "fail":
      throw new FunctionError(input.code ?? "CONTRACT_FAILURE", input.message ?? "failed on purpose");
    case "throw":
      throw new Error(input.message ?? "thrown on purpose");
    case "sleep":
      await sleep(input.ms ?? 0); // node:timers, not Bun.sleep: this handler also runs under Node.js
      return input.value ?? "slept";
    case "log":
      ctx.logger.info(input.message ?? "contract log", { marker: input.marker ?? null });
      return null;
    default:
      throw new FunctionError("UNKNOWN_OP", `unknown op ${JSON.stringify(input?.op)}`);
  }
};

export default handler;
