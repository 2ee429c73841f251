import { describe, expect, test } from "bun:test";
import { loadSettings, SettingsError } from "./settings.ts";

describe("loadSettings", () => {
  test("defaults: port 8080, 30 s timeout, no fallbacks", () => {
    expect(loadSettings({})).toEqual({
      port: 8080,
      timeoutMs: 30_000,
      executionId: null,
      traceId: null,
      callbackUrl: null,
      functionName: null,
    });
  });

  test("reads every variable, trimming blanks to absent", () => {
    const settings = loadSettings({
      PORT: "0",
      TIMEOUT_MS: "250",
      EXECUTION_ID: " e1 ",
      TRACE_ID: "   ",
      CALLBACK_URL: "http://cp:8080/v1/internal/executions",
      FUNCTION_NAME: "word-stats",
    });
    expect(settings).toEqual({
      port: 0,
      timeoutMs: 250,
      executionId: "e1",
      traceId: null,
      callbackUrl: "http://cp:8080/v1/internal/executions",
      functionName: "word-stats",
    });
  });

  test.each([
    ["PORT", "http"],
    ["PORT", "70000"],
    ["PORT", "-1"],
    ["TIMEOUT_MS", "0"],
    ["TIMEOUT_MS", "1.5"],
    ["TIMEOUT_MS", "30s"],
    ["CALLBACK_URL", "control-plane/callbacks"],
  ])("%s=%s is a start-up error naming the variable", (name, value) => {
    expect(() => loadSettings({ [name]: value })).toThrow(SettingsError);
    expect(() => loadSettings({ [name]: value })).toThrow(name);
  });
});
