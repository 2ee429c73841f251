import { describe, expect, test } from "bun:test";
import { formatIsoDuration, parseDurationMs, parseIsoDurationMs } from "./duration";

describe("parseDurationMs", () => {
  test.each([
    ["1500", 1500],
    ["500ms", 500],
    ["2s", 2000],
    ["0.5s", 500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["PT2S", 2000],
    ["pt0.5s", 500],
    ["PT1M30S", 90_000],
    ["P1D", 86_400_000],
  ])("%s → %d ms", (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  test.each(["", "abc", "2 weeks", "PT", "P", "-1s", "1.5"])("%p is rejected", (text) =>
    expect(parseDurationMs(text)).toBeUndefined(),
  );
});

describe("ISO durations", () => {
  test("only ISO form is accepted by parseIsoDurationMs", () => {
    expect(parseIsoDurationMs("2s")).toBeUndefined();
    expect(parseIsoDurationMs("PT2S")).toBe(2000);
  });
  test.each([
    [2000, "PT2S"],
    [500, "PT0.5S"],
    [90_000, "PT1M30S"],
    [3_600_000, "PT1H"],
    [0, "PT0S"],
  ])("%d ms renders as %s", (ms, text) => expect(formatIsoDuration(ms)).toBe(text));
});
