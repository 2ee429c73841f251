/**
 * @module
 * Webhook signatures (issue 21, SPEC-platform §5), compared in constant time:
 * - github: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`;
 * - nanofaas: `X-Nanofaas-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
 *   accepted only within 5 minutes of the control plane's clock (either way), against replays.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookFormat } from "../../store/trigger-rows";

export const REPLAY_WINDOW_SECONDS = 300;

const hmacHex = (secret: string, data: Uint8Array | string) => createHmac("sha256", secret).update(data).digest("hex");

function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Why the delivery is not signed by one of `secrets`, or undefined when it is. */
export function signatureProblem(
  format: WebhookFormat,
  header: string | undefined,
  body: Uint8Array,
  secrets: string[],
  nowMs: number,
): string | undefined {
  if (format === "github") {
    if (!header) return "missing X-Hub-Signature-256";
    const given = header.startsWith("sha256=") ? header.slice(7) : "";
    return secrets.some((s) => sameHex(hmacHex(s, body), given)) ? undefined : "signature does not match";
  }
  if (!header) return "missing X-Nanofaas-Signature";
  const parts = new Map(header.split(",").map((p) => p.trim().split("=", 2) as [string, string]));
  const t = parts.get("t") ?? "";
  const v1 = parts.get("v1") ?? "";
  if (!/^\d{1,12}$/.test(t) || v1 === "") return "X-Nanofaas-Signature must be t=<unix seconds>,v1=<hex>";
  if (Math.abs(nowMs / 1000 - Number(t)) > REPLAY_WINDOW_SECONDS)
    return "signature timestamp outside the 5-minute window";
  const signed = Buffer.concat([Buffer.from(`${t}.`, "utf8"), body]);
  return secrets.some((s) => sameHex(hmacHex(s, signed), v1)) ? undefined : "signature does not match";
}

/** Signs like a sender would (tests, docs examples). */
export function sign(format: WebhookFormat, secret: string, body: string, nowMs: number): string {
  if (format === "github") return `sha256=${hmacHex(secret, body)}`;
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
}
