/**
 * @module
 * Per-execution callback tokens (issue 18): HMAC-SHA256(secret, executionId + attempt). A pod gets
 * the token of the one attempt it runs (`CALLBACK_TOKEN` for Jobs, `X-Callback-Token` on a
 * dispatched request) and sends it back on `/v1/internal/executions/{id}:complete`; a token is
 * worthless for any other execution or attempt, and it is never an API key.
 *
 * The secret is NANOFAAS_CALLBACK_SECRET when set — required for callbacks to survive a restart or
 * to be accepted by another control plane sharing the store — else 32 random bytes per process
 * (a Job still running across a restart then calls back with a token nobody accepts; its execution
 * ends by the restart rules instead).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export class CallbackTokens {
  private readonly key: Buffer;

  constructor(secret?: string) {
    this.key = secret ? Buffer.from(secret, "utf8") : randomBytes(32);
  }

  /** The token of one attempt (attempts start at 1). */
  issue(executionId: string, attempt: number): string {
    return createHmac("sha256", this.key).update(`${executionId}\n${attempt}`).digest("base64url");
  }

  /**
   * Whether `token` is this execution's token for `attempt` (the X-Dispatch-Attempt header). With
   * authentication on, the header is required: without it the engine would apply the result to
   * whichever attempt is current, so an earlier attempt's token could complete a later one.
   */
  verify(executionId: string, attempt: string | null, token: string): boolean {
    if (attempt === null || !/^\s*\d{1,9}\s*$/.test(attempt)) return false;
    const n = Number(attempt.trim());
    if (n < 1) return false;
    const expected = Buffer.from(this.issue(executionId, n));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
