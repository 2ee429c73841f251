import { expect, test } from "bun:test";
import { createLimiter } from "./limiter.ts";

test("admits up to the limit and again after a release", () => {
  const limiter = createLimiter(2);
  expect([limiter.tryAcquire(), limiter.tryAcquire(), limiter.tryAcquire()]).toEqual([true, true, false]);
  limiter.release();
  expect(limiter.tryAcquire()).toBe(true);
  expect(limiter.inflight).toBe(2);
});

test("0 is unlimited", () => {
  const limiter = createLimiter(0);
  for (let i = 0; i < 1000; i++) expect(limiter.tryAcquire()).toBe(true);
});

test("idle() resolves when the last slot is released, at once when already idle", async () => {
  const limiter = createLimiter(0);
  await limiter.idle();
  limiter.tryAcquire();
  limiter.tryAcquire();
  let idle = false;
  const waiting = limiter.idle().then(() => {
    idle = true;
  });
  limiter.release();
  await Bun.sleep(0);
  expect(idle).toBe(false);
  limiter.release();
  await waiting;
  expect(idle).toBe(true);
});

test("releasing more than acquired is a bug, not a silent negative count", () => {
  expect(() => createLimiter(1).release()).toThrow();
});
