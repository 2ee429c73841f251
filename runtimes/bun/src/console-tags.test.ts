import { describe, expect, test } from "bun:test";
import { tagConsoleOutput, tagEachLine, withExecutionTag } from "./console-tags.ts";

describe("console output inside an invocation", () => {
  test("each line of a console call carries the execution's tag; outside, nothing changes", async () => {
    const printed: string[] = [];
    const print = (...args: unknown[]) => void printed.push(args.join(" "));
    const fake = { log: print, info: print, warn: print, error: print, debug: print };
    tagConsoleOutput(fake);
    fake.log("before");
    await withExecutionTag("e-1", "t-1", async () => {
      await Bun.sleep(1); // still tagged after an await: the tag follows the async context
      fake.log("a %s\nb", "x");
    });
    await withExecutionTag("e-2", null, async () => fake.error({ n: 1 }));
    fake.log("after");
    expect(printed).toEqual([
      "before",
      "[exec e-1 trace t-1] a x\n[exec e-1 trace t-1] b",
      "[exec e-2] { n: 1 }",
      "after",
    ]);
  });

  test("tagEachLine", () => {
    expect(tagEachLine("T ", "x\ny")).toBe("T x\nT y");
  });
});
