import { describe, expect, test } from "bun:test";
import { runningInGroup, survivors } from "./fixtures/processes";
import { GroupReaper, signalGroup } from "./process-group";

/** A shell that starts a background child, like a wrapper script: two processes, one group. */
function spawnWrapper() {
  const proc = Bun.spawn(["sh", "-c", "sleep 30 & sleep 30; true"], {
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
  });
  return proc;
}

async function allThreeRunning(pgid: number): Promise<void> {
  const deadline = performance.now() + 2000;
  while (runningInGroup(pgid).length < 3 && performance.now() < deadline) await Bun.sleep(10);
}

describe("signalGroup", () => {
  test("reaches the wrapper's children, not only the leader", async () => {
    const proc = spawnWrapper();
    await allThreeRunning(proc.pid);
    expect(runningInGroup(proc.pid).length).toBe(3);
    expect(signalGroup(proc.pid, "SIGKILL")).toBe(true);
    await proc.exited;
    expect(await survivors([proc.pid])).toEqual([]);
  });

  test("returns false for a group that is gone", async () => {
    const proc = Bun.spawn(["true"], { detached: true });
    await proc.exited;
    // The group is empty once its only member is reaped (Bun reaps its children).
    expect(signalGroup(proc.pid, "SIGTERM")).toBe(false);
  });
});

describe("GroupReaper", () => {
  test("killAll SIGKILLs every registered group, synchronously", async () => {
    const reaper = new GroupReaper();
    const procs = [spawnWrapper(), spawnWrapper()];
    for (const proc of procs) reaper.add(proc.pid);
    await Promise.all(procs.map((proc) => allThreeRunning(proc.pid)));
    reaper.killAll();
    reaper.dispose();
    expect(reaper.size).toBe(0);
    await Promise.all(procs.map((proc) => proc.exited));
    expect(await survivors(procs.map((proc) => proc.pid))).toEqual([]);
  });

  test("installs one exit hook while it holds groups and removes it on dispose", () => {
    const before = process.listenerCount("exit");
    const reaper = new GroupReaper();
    reaper.add(9_999_991);
    reaper.add(9_999_992);
    expect(process.listenerCount("exit")).toBe(before + 1);
    reaper.delete(9_999_991);
    reaper.delete(9_999_992);
    reaper.dispose();
    expect(process.listenerCount("exit")).toBe(before);
  });
});
