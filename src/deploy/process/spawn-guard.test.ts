/**
 * A spawn that fails with EAGAIN (the host's process limit) is an error of that replica, never
 * the end of the control plane: the guard frees headroom at once and caps what runs afterwards.
 * Real replica processes; the EAGAIN itself is forced through the injected spawn function.
 */
import { afterEach, expect, test } from "bun:test";
import { echoFunction, LogSink, testConfig } from "./fixtures/harness";
import { until } from "../../../test/support/until";
import { survivors } from "./fixtures/processes";
import { createProcessDeployer, type ProcessDeployer } from "./process-deployer";
import type { SpawnFn } from "./spawn-guard";

let deployer: ProcessDeployer | undefined;
const seen = new Set<number>();

afterEach(async () => {
  await deployer?.close();
  deployer = undefined;
  expect(await survivors([...seen])).toEqual([]);
  seen.clear();
});

/** Bun.spawn while fewer than `limit` of its processes live, else EAGAIN as posix_spawn reports it. */
function limitedSpawn(limit: number): SpawnFn {
  const live = new Set<number>();
  return (argv, options) => {
    if (live.size >= limit) {
      throw Object.assign(new Error("EAGAIN: resource temporarily unavailable, posix_spawn"), {
        code: "EAGAIN",
        errno: -11,
        syscall: "posix_spawn",
      });
    }
    const proc = Bun.spawn(argv, options);
    seen.add(proc.pid);
    live.add(proc.pid);
    void proc.exited.then(() => live.delete(proc.pid));
    return proc;
  };
}

test("EAGAIN on spawn: the newest groups are killed, the backend caps itself and keeps serving", async () => {
  const log = new LogSink();
  const spawn = limitedSpawn(6);
  const d = createProcessDeployer(testConfig(), {
    output: log.write,
    spawn,
    timing: { backoff: { baseMs: 20, maxMs: 50 } },
  });
  deployer = d;
  await d.provision(echoFunction("many", 6));
  await until(() => d.readyReplicas("many") === 6, "six ready", 10_000);
  // The seventh spawn hits the limit: the guard sheds max(4, 10%) = 4 groups and caps at 2.
  await d.setReplicas("many", 7);
  await until(() => log.matching(/process limit was reached \(EAGAIN\)/).length === 1, "the EAGAIN report");
  expect(
    log.matching(
      /process limit was reached \(EAGAIN\) with 6 replica process groups: killed the 4 newest and will run at most 2/,
    ),
  ).toHaveLength(1);
  await until(() => d.readyReplicas("many") === 2, "two left ready", 10_000);
  // The shed replicas retry with backoff and are refused by the cap: errors of those replicas.
  await until(
    () => log.matching(/could not start .*this backend now runs at most 2 replica processes/).length > 0,
    "refusals",
  );
  await Bun.sleep(200);
  expect(d.readyReplicas("many")).toBe(2);
  // The backend still works: scaling down and back within the cap.
  await d.setReplicas("many", 1);
  expect(d.readyReplicas("many")).toBe(1);
  await d.setReplicas("many", 2);
  await until(() => d.readyReplicas("many") === 2, "back to two", 10_000);
});
