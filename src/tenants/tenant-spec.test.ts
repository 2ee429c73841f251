import { expect, test } from "bun:test";
import { hasQuotas, TenantSpec } from "./tenant-spec";

test.each([
  [{ name: "team-a" }, true],
  [{ name: "Team.B_2", quotas: { maxFunctions: 10, maxRequestsPerSecond: 100 } }, true],
  [{ name: "default", quotas: {} }, true],
  [{ name: "" }, false],
  [{ name: "a/b" }, false],
  [{ name: "-a" }, false],
  [{ name: "x".repeat(64) }, false],
  [{ name: "a", quotas: { maxFunctions: 0 } }, false],
  [{ name: "a", quotas: { maxFunctions: -1 } }, false],
  [{ name: "a", quotas: { maxFunctions: 1.5 } }, false],
  [{ name: "a", quotas: { maxFunctions: "3" } }, false],
  [{ name: "a", quotas: { maxJobs: 10_001 } }, false],
  [{ name: "a", quotas: { maxConcurency: 3 } }, false],
  [{ name: "a", extra: 1 }, false],
])("%j valid: %p", (spec, valid) => {
  expect(TenantSpec.safeParse(spec).success).toBe(valid);
});

test("hasQuotas: only a quota that is set limits anything", () => {
  expect(hasQuotas(undefined)).toBe(false);
  expect(hasQuotas({})).toBe(false);
  expect(hasQuotas({ maxQueued: 1 })).toBe(true);
});
