import { describe, expect, test } from "bun:test";
import { envText, parseBoolean, parseInteger } from "./env";

describe("env values", () => {
  test("booleans: true/false, 1/0, yes/no, on/off in any case; nothing else", () => {
    for (const word of ["true", "TRUE", "1", "yes", "On", " on "]) expect(parseBoolean(word)).toBe(true);
    for (const word of ["false", "False", "0", "no", "OFF"]) expect(parseBoolean(word)).toBe(false);
    for (const word of ["", "t", "2", "enabled", "nope"]) expect(parseBoolean(word)).toBeUndefined();
  });

  test("integers: decimal digits only", () => {
    expect(parseInteger("8080")).toBe(8080);
    expect(parseInteger(" 42 ")).toBe(42);
    expect(parseInteger("0")).toBe(0);
    for (const text of ["", "1e3", "0x10", "+5", "-1", "5.0", "5 5", "9007199254740993"])
      expect(parseInteger(text)).toBeUndefined();
  });

  test("blank is unset", () => {
    expect(envText({ A: "  x " }, "A")).toBe("x");
    expect(envText({ A: "   " }, "A")).toBeUndefined();
    expect(envText({}, "A")).toBeUndefined();
  });
});
