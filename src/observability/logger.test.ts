import { describe, expect, test } from "bun:test";
import { createLogger, fastLineWriter } from "./logger";

const memory = () => {
  const raw: string[] = [];
  return { raw, destination: { write: (line: string) => void raw.push(line) } };
};

describe("fastLineWriter (the access log's line builder)", () => {
  test("writes the same shape as pino: level, time, fields in order, msg; undefined omitted; strings escaped", () => {
    const { raw, destination } = memory();
    const logger = createLogger({ level: "info", destination });
    logger.info({ a: 1 }, "via pino");
    fastLineWriter(logger)!("request", {
      path: '/v1/functions/"x"\n\u00e9',
      status: 200,
      ok: true,
      skipped: undefined,
      durationMs: 0.25,
    });
    const [viaPino, fast] = raw.map((line) => JSON.parse(line));
    expect(Object.keys(viaPino)).toEqual(["level", "time", "a", "msg"]);
    expect(fast).toEqual({
      level: "info",
      time: fast.time,
      path: '/v1/functions/"x"\n\u00e9',
      status: 200,
      ok: true,
      durationMs: 0.25,
      msg: "request",
    });
    expect(Object.keys(fast)).toEqual(["level", "time", "path", "status", "ok", "durationMs", "msg"]);
    expect(new Date(fast.time).toISOString()).toBe(fast.time);
    expect(raw[1]!.endsWith("}\n")).toBe(true);
  });

  test("is undefined when info is disabled, so the access log costs nothing", () => {
    expect(fastLineWriter(createLogger({ level: "warn", destination: memory().destination }))).toBeUndefined();
  });
});
