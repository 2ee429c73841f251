import { expect, test } from "bun:test";
import { sleep } from "./sleep";

test("sleep resolves at once when aborted", async () => {
  const controller = new AbortController();
  const started = performance.now();
  const pending = sleep(10_000, controller.signal);
  controller.abort();
  await pending;
  expect(performance.now() - started).toBeLessThan(100);
});
