/**
 * The Python runtime cannot import src/contracts, so it mirrors the constants it needs in
 * nanofaas_runtime/contract.py; this test keeps the copy faithful.
 */
import { expect, test } from "bun:test";
import { resolve } from "node:path";
import { Header } from "../../src/contracts/headers.ts";
import {
  CALLBACK_MAX_TRIES,
  CALLBACK_RETRY_DELAYS_MS,
  callbackUrlFor,
  DEFAULT_POD_PORT,
  isRetryableCallbackStatus,
  PodErrorCode,
  PodStatus,
} from "../../src/contracts/pod.ts";

const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(resolve(import.meta.dir))})
from nanofaas_runtime import contract as c
ids = ["e1", "a/b c!*'()~", "ü"]
print(json.dumps({
  "constants": {k: v for k, v in vars(c).items() if k.isupper()},
  "urls": [c.callback_url_for("http://cp/x/", i) for i in ids],
  "retryable": [s for s in range(100, 600) if c.is_retryable_callback_status(s)],
}))
`;

test("nanofaas_runtime/contract.py matches src/contracts", async () => {
  const proc = Bun.spawn(["python3", "-c", script], { stdout: "pipe" });
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(code).toBe(0);
  const py = JSON.parse(out) as { constants: Record<string, unknown>; urls: string[]; retryable: number[] };
  expect(py.constants).toEqual({
    DEFAULT_POD_PORT,
    INVALID_JSON: PodErrorCode.invalidJson,
    INVALID_REQUEST: PodErrorCode.invalidRequest,
    EXECUTION_ID_REQUIRED: PodErrorCode.executionIdRequired,
    HANDLER_ERROR: PodErrorCode.handlerError,
    HANDLER_TIMEOUT: PodErrorCode.handlerTimeout,
    INVALID_OUTPUT: PodErrorCode.invalidOutput,
    NOT_FOUND: PodErrorCode.notFound,
    UNAVAILABLE: PodErrorCode.unavailable,
    STATUS_BAD_REQUEST: PodStatus.badRequest,
    STATUS_HANDLER_ERROR: PodStatus.handlerError,
    STATUS_HANDLER_TIMEOUT: PodStatus.handlerTimeout,
    STATUS_UNAVAILABLE: PodStatus.unavailable,
    H_EXECUTION_ID: Header.executionId,
    H_DISPATCH_ATTEMPT: Header.dispatchAttempt,
    H_TRACE_ID: Header.traceId,
    H_TRACEPARENT: Header.traceparent,
    H_COLD_START: Header.coldStart,
    H_INIT_DURATION_MS: Header.initDurationMs,
    H_CALLBACK_URL: Header.callbackUrl,
    H_CALLBACK_TOKEN: Header.callbackToken,
    CALLBACK_MAX_TRIES,
    CALLBACK_RETRY_DELAYS_MS: [...CALLBACK_RETRY_DELAYS_MS],
  });
  expect(py.urls).toEqual(["e1", "a/b c!*'()~", "ü"].map((id) => callbackUrlFor("http://cp/x/", id)));
  const retryable = Array.from({ length: 500 }, (_, i) => i + 100).filter(isRetryableCallbackStatus);
  expect(py.retryable).toEqual(retryable);
});
