import { describe, expect, test } from "bun:test";
import { scopeProblem, scopeSet } from "./scopes";

describe("scopes", () => {
  test("admin grants every scope; a plain scope grants only itself", () => {
    const admin = scopeSet(["admin"]);
    expect(admin.grants("functions:write")).toBe(true);
    expect(admin.grants("dlq:write")).toBe(true);
    const reader = scopeSet(["functions:read"]);
    expect(reader.grants("functions:read")).toBe(true);
    expect(reader.grants("functions:write")).toBe(false);
    expect(reader.grants("admin")).toBe(false);
  });

  test("functions:invoke:<glob> grants invoking matching names only", () => {
    const narrow = scopeSet(["functions:invoke:report-*", "functions:invoke:echo"]);
    expect(narrow.grants("functions:invoke", "report-daily")).toBe(true);
    expect(narrow.grants("functions:invoke", "echo")).toBe(true);
    expect(narrow.grants("functions:invoke", "echo2")).toBe(false);
    expect(narrow.grants("functions:invoke", "xreport-daily")).toBe(false);
    expect(narrow.grants("functions:invoke")).toBe(false);
    expect(scopeSet(["functions:invoke"]).grants("functions:invoke", "anything")).toBe(true);
  });

  test("unknown scopes are named; narrowed invoke scopes must be names or globs", () => {
    expect(scopeProblem("functions:read")).toBeUndefined();
    expect(scopeProblem("functions:invoke:a?c-*")).toBeUndefined();
    expect(scopeProblem("functions:delete")).toContain("unknown scope 'functions:delete'");
    expect(scopeProblem("functions:invoke:(.*)")).toContain("unknown scope");
    expect(scopeProblem("functions:invoke:")).toContain("unknown scope");
  });
});
