import { expect, test } from "bun:test";
import { qualify, splitKey, tenantOfKey } from "./tenant-key";

test.each([
  ["default", "report", "report"],
  ["team-a", "report", "team-a/report"],
  ["Team.B", "word_stats.v2", "Team.B/word_stats.v2"],
])("tenant %s, name %s ↔ key %s", (tenant, name, key) => {
  expect(qualify(tenant, name)).toBe(key);
  expect(splitKey(key)).toEqual({ tenant, name });
  expect(tenantOfKey(key)).toBe(tenant);
});

test("two tenants owning the same name get different keys; the default tenant's key is the bare name", () => {
  expect(new Set([qualify("default", "report"), qualify("a", "report"), qualify("b", "report")]).size).toBe(3);
});
