/**
 * A short real-load check of issue 15.8 (the shape is in test/support/steady-load.ts; `just
 * bench-steady` runs it for 5 minutes): functions that keep up with the load never answer 429.
 */
import { expect, test } from "bun:test";
import { runSteadyLoad } from "../support/steady-load";

test("8 connections for 4 s over functions that keep up: no 429", async () => {
  const statuses = await runSteadyLoad(4);
  expect([...statuses.keys()]).toEqual([200]);
  expect(statuses.get(200)).toBeGreaterThan(100);
}, 20_000);
