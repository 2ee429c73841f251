/**
 * @module
 * Runtime settings as a pure function of an environment map. Bad values fail at start-up with a
 * message naming the variable, never a silent default.
 */
import { DEFAULT_POD_PORT } from "../../../src/contracts/pod.ts";
import { envText, parseInteger } from "../../../src/lib/env.ts";

export interface RuntimeSettings {
  port: number;
  timeoutMs: number;
  /** Fallback execution id (one-shot pods get it from the control plane or the watchdog). */
  executionId: string | null;
  traceId: string | null;
  callbackUrl: string | null;
  functionName: string | null;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

function nonBlank(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number) {
  const raw = envText(env, name);
  if (raw === undefined) return fallback;
  const value = parseInteger(raw);
  if (value === undefined || value < min || value > max) {
    throw new SettingsError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadSettings(env: Record<string, string | undefined>): RuntimeSettings {
  const callbackUrl = nonBlank(env.CALLBACK_URL);
  if (callbackUrl !== null && !URL.canParse(callbackUrl)) {
    throw new SettingsError(`CALLBACK_URL must be an absolute URL, got "${callbackUrl}"`);
  }
  return {
    // 0 asks the OS for a free port; the runtime logs the one it got.
    port: integer(env, "PORT", DEFAULT_POD_PORT, 0, 65_535),
    timeoutMs: integer(env, "TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 1, 3_600_000),
    executionId: nonBlank(env.EXECUTION_ID),
    traceId: nonBlank(env.TRACE_ID),
    callbackUrl,
    functionName: nonBlank(env.FUNCTION_NAME),
  };
}
