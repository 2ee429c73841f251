import { describe, expect, test } from "bun:test";
import { exceedsDepth, hasNonFiniteNumber, memberSpan, scanJson, topLevelMember } from "./json-scan";
import { jsonText, RawJson } from "./raw-json";

const deep = (levels: number, open = "[", close = "]") => open.repeat(levels) + close.repeat(levels);

describe("scanJson depth", () => {
  test.each([
    ["1", 0],
    ['{"a":1}', 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['"[[[[[[["', 0], // brackets inside strings do not count
    ['["\\"[[[["]', 1], // nor after an escaped quote
  ])("%s has depth %d", (text, depth) => {
    expect(scanJson(text, depth).tooDeep).toBe(false);
    if (depth > 0) expect(scanJson(text, depth - 1).tooDeep).toBe(true);
  });

  test("a 35 000-level, 80 KB body is refused in well under 10 ms", () => {
    const body = `{"input":${deep(35_000, '{"a":[', "]}")}}`;
    const hostile = `{"input":${deep(40_000)}}`;
    expect(hostile.length).toBeGreaterThanOrEqual(80_000);
    for (const text of [body, hostile]) {
      // Best of three: the claim is about the scan's cost, not about this shared machine's scheduler.
      const times = [0, 1, 2].map(() => {
        const started = performance.now();
        expect(scanJson(text, 256, true).tooDeep).toBe(true);
        expect(exceedsDepth(text, 256)).toBe(true);
        return performance.now() - started;
      });
      expect(Math.min(...times)).toBeLessThan(10);
    }
  });

  test("an unclosed deep body is refused too (never handed to JSON.parse)", () => {
    expect(scanJson("[".repeat(10_000), 256).tooDeep).toBe(true);
  });
});

describe("scanJson numbers", () => {
  test.each(["1e999", "-1e999", "400 digits", '{"a":[2E400]}'])("%s overflows", (label) => {
    const text = label === "400 digits" ? "1".repeat(400) : label;
    expect(scanJson(text, 10).nonFinite).toBe(true);
  });
  test.each(["1e308", "12345678901234567890", "1.5e3", '"1e999"', "-0.0"])("%s does not", (text) => {
    expect(scanJson(text, 10).nonFinite).toBe(false);
  });
});

describe("scanJson members", () => {
  const spanText = (text: string, key: string) => {
    const span = memberSpan(scanJson(text, 10, true).members, key);
    return span && text.slice(span[1], span[2]);
  };

  test("gives the exact text of each top-level value", () => {
    const text = ' { "input" : {"big":12345678901234567890,"f":7.0,"s":"a,}"} , "metadata":{"k":"v"} , "n" :1.5e3 } ';
    expect(spanText(text, "input")).toBe('{"big":12345678901234567890,"f":7.0,"s":"a,}"}');
    expect(spanText(text, "metadata")).toBe('{"k":"v"}');
    expect(spanText(text, "n")).toBe("1.5e3");
    expect(spanText(text, "absent")).toBeUndefined();
  });

  test("decodes escaped keys and keeps the last duplicate, as JSON.parse does", () => {
    expect(spanText('{"\\u0069nput":[1]}', "input")).toBe("[1]");
    expect(spanText('{"input":1,"input":2.50}', "input")).toBe("2.50");
    expect(spanText('{"input":null}', "input")).toBe("null");
  });

  test("no members for a body that is not an object", () => {
    expect(scanJson("[1,2]", 10, true).members).toBeUndefined();
  });
});

describe("fast helpers agree with the scan", () => {
  test.each([
    ['{"input":{"a":[1,2.0]}}', "input", '{"a":[1,2.0]}'],
    [' { "input" :  7.0  } ', "input", "7.0"],
    ['{"input":1,"input":2.50}', "input", "2.50"],
    ['{"input":"has \\"input\\" inside"}', "input", '"has \\"input\\" inside"'],
    ['{"\\u0069nput":[1]}', "input", "[1]"],
    ['{"metadata":{},"input":{"x":"}"}}', "input", '{"x":"}"}'],
  ])("topLevelMember(%s)", (text, key, expected) => {
    const value = JSON.parse(text) as object;
    const span = topLevelMember(text, key, Object.keys(value).length === 1);
    expect(text.slice(span![0], span![1])).toBe(expected);
  });

  test("exceedsDepth counts brackets first and scans only beyond the limit", () => {
    expect(exceedsDepth('{"a":"[[[[[[[[[["}', 2)).toBe(false);
    expect(exceedsDepth("[[[]]]", 3)).toBe(false);
    expect(exceedsDepth("[[[[]]]]", 3)).toBe(true);
    expect(exceedsDepth(`{"input":${deep(40_000)}}`, 256)).toBe(true);
  });

  test("hasNonFiniteNumber looks at numbers, not strings", () => {
    expect(hasNonFiniteNumber('{"a":1e999}')).toBe(true);
    expect(hasNonFiniteNumber('{"a":"1e999","b":1e300}')).toBe(false);
  });
});

describe("RawJson", () => {
  test("jsonText splices raw text and serialises anything else", () => {
    expect(jsonText(new RawJson("7.0"))).toBe("7.0");
    expect(jsonText({ a: 1 })).toBe('{"a":1}');
    expect(jsonText(undefined)).toBe("null");
  });

  test("a generic JSON.stringify still gives valid JSON (exact for primitives)", () => {
    expect(JSON.stringify({ v: new RawJson("12345678901234567890") })).toBe('{"v":12345678901234567890}');
    expect(JSON.parse(JSON.stringify({ v: new RawJson('{"a":[1]}') }))).toEqual({ v: { a: [1] } });
  });
});
