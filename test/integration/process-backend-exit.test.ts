/**
 * The last-resort cleanup: a control plane that exits without `close()` still takes its replica
 * process groups (wrapper children included) down with it, through its synchronous exit hook.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { BUN, FIXTURES } from "../../src/deploy/process/fixtures/harness";
import { runningInGroup, survivors } from "../../src/deploy/process/fixtures/processes";

async function abandon(how: "exit" | "throw"): Promise<{ groups: number[]; code: number }> {
  const proc = Bun.spawn([BUN, join(FIXTURES, "abandon.ts"), how], { stdout: "pipe", stderr: "pipe" });
  const watchdog = setTimeout(() => proc.kill("SIGKILL"), 10_000);
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  clearTimeout(watchdog);
  const groups = JSON.parse(stdout.trim().split("\n")[0] ?? "[]") as number[];
  return { groups, code };
}

describe("process backend exit hook", () => {
  test.each(["exit", "throw"] as const)(
    "kills every replica group when the control plane leaves by %s",
    async (how) => {
      const { groups, code } = await abandon(how);
      expect(code).toBe(how === "exit" ? 0 : 1);
      expect(groups).toHaveLength(2);
      const left = await survivors(groups);
      // Clean up before asserting, so that a regression does not leak processes into other tests.
      for (const pid of left) process.kill(pid, "SIGKILL");
      expect(left).toEqual([]);
      for (const pgid of groups) expect(runningInGroup(pgid)).toEqual([]);
    },
  );
});
