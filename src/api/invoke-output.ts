/**
 * @module
 * Response bodies that carry user data. `output` is spliced in as the text the function answered
 * (lib/raw-json), so numbers like `12345678901234567890`, `7.0` or `1.5e3` come back as written;
 * the other fields are ours and go through JSON.stringify. Key order follows the schemas.
 */
import type { ExecutionView, InvocationOutcome } from "../execution/invoker";
import { jsonText } from "../lib/raw-json";

const JSON_TYPE = "application/json";

/** `{"executionId","status","output","error"}` of `:invoke` and `:enqueue`. */
export function outcomeJson(outcome: InvocationOutcome): string {
  return `{"executionId":${JSON.stringify(outcome.executionId)},"status":"${outcome.status}","output":${jsonText(outcome.output)},"error":${JSON.stringify(outcome.error)}}`;
}

/** `GET /v1/executions/{id}`: the reference's eight keys, then function, attempts, createdAt and the lineage. */
export function viewJson(view: ExecutionView): string {
  return (
    `{"executionId":${JSON.stringify(view.executionId)},"status":"${view.status}",` +
    `"startedAt":${JSON.stringify(view.startedAt)},"finishedAt":${JSON.stringify(view.finishedAt)},` +
    `"output":${jsonText(view.output)},"error":${JSON.stringify(view.error)},` +
    `"coldStart":${view.coldStart},"initDurationMs":${JSON.stringify(view.initDurationMs)},` +
    `"function":${JSON.stringify(view.function)},${view.version === undefined ? "" : `"version":${view.version},`}"attempts":${view.attempts},"createdAt":"${view.createdAt}",` +
    `"parentExecutionId":${JSON.stringify(view.parentExecutionId)},"rootExecutionId":${JSON.stringify(view.rootExecutionId)},` +
    `"trigger":${JSON.stringify(view.trigger)}}`
  );
}

/** A JSON response from already-serialised text. */
export function jsonResponse(body: string, status: number, extraHeaders?: Record<string, string>): Response {
  return new Response(body, {
    status,
    headers: extraHeaders ? { "Content-Type": JSON_TYPE, ...extraHeaders } : { "Content-Type": JSON_TYPE },
  });
}
