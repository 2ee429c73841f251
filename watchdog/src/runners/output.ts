/**
 * @module
 * What counts as a function's result. Exactly one JSON value, surrounding whitespace allowed; an
 * empty output is a success with `null` (SPEC §1.6), so a function that prints nothing never wedges
 * or fails an execution. The raw text is passed on unchanged (no re-serialisation), which keeps
 * large numbers and key order exactly as the function wrote them.
 */
import { decodeUtf8 } from "../process/capture.ts";
import { PodErrorCode, podError } from "../errors.ts";
import type { Outcome } from "./runner.ts";

const PREVIEW_CHARS = 200;
const REASON_CHARS = 100;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function outcomeFromOutput(bytes: Uint8Array, source: string): Outcome {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return { ok: false, error: podError(PodErrorCode.invalidOutput, `${source} is not valid UTF-8`) };
  }
  const json = text.trim();
  if (json === "") return { ok: true, json: "null" };
  try {
    JSON.parse(json);
  } catch (error) {
    // The parser's message can quote the offending token whole; both parts are capped.
    const reason = clip(error instanceof Error ? error.message : String(error), REASON_CHARS);
    return {
      ok: false,
      error: podError(
        PodErrorCode.invalidOutput,
        `${source} is not a single JSON value (${reason}): ${clip(json, PREVIEW_CHARS)}`,
      ),
    };
  }
  return { ok: true, json };
}

export function outputTooLarge(source: string, limit: number): Outcome {
  return {
    ok: false,
    error: podError(PodErrorCode.outputTooLarge, `${source} exceeds MAX_OUTPUT_BYTES=${limit}`),
  };
}
