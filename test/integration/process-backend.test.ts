/**
 * The process backend end to end: a real deployer running real pod processes (the echo pod
 * fixture) on loopback. Every test ends by proving that no process it caused is still running.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  BUN,
  ECHO_POD,
  echoFunction,
  fn,
  invoke,
  LogSink,
  testConfig,
} from "../../src/deploy/process/fixtures/harness";
import { isRunning, runningInGroup, survivors } from "../../src/deploy/process/fixtures/processes";
import { until } from "../support/until";
import { createProcessDeployer, type ProcessDeployer } from "../../src/deploy/process/process-deployer";

let deployer: ProcessDeployer | undefined;
let log: LogSink;
let events: [string, number][];
/** Every PID a test observed; all must be dead (with their groups) after it. */
const seen = new Set<number>();

function start({ readinessTimeoutMs = 5000, stopGraceMs = 1000, healthIntervalMs = 1000 } = {}): ProcessDeployer {
  log = new LogSink();
  events = [];
  const timing = { stopGraceMs, healthIntervalMs };
  deployer = createProcessDeployer(testConfig({ readinessTimeoutMs }), { output: log.write, timing });
  deployer.onReadyChange((name, ready) => events.push([name, ready]));
  return deployer;
}

function pids(name: string): number[] {
  const current = deployer!.replicaPids(name);
  for (const pid of current) seen.add(pid);
  return current;
}

const readyCounts = (name: string) => events.filter(([n]) => n === name).map(([, ready]) => ready);
const restartDelays = (name: string) =>
  log.matching(new RegExp(`^\\[fn/${name}#0\\] .*restarting in`)).map((l) => Number(/in (\d+) ms/.exec(l)![1]));

afterEach(async () => {
  await deployer?.close();
  deployer = undefined;
  const left = await survivors([...seen]);
  seen.clear();
  expect(left).toEqual([]);
});

describe("process backend", () => {
  test("minReplicas 2: both replicas become ready and get invocations in turn", async () => {
    const d = start();
    const started = performance.now();
    await d.provision(echoFunction("pair", 2));
    const [a, b] = pids("pair");
    await until(() => d.readyReplicas("pair") === 2, "two ready replicas");
    expect(performance.now() - started).toBeLessThan(5000);
    expect(readyCounts("pair")).toEqual([1, 2]);
    const answeredBy: number[] = [];
    for (let i = 0; i < 6; i++) answeredBy.push((await invoke(d.pickEndpoint("pair")!, i)).pid);
    expect(answeredBy[0]).not.toBe(answeredBy[1]);
    expect(answeredBy).toEqual([
      answeredBy[0]!,
      answeredBy[1]!,
      answeredBy[0]!,
      answeredBy[1]!,
      answeredBy[0]!,
      answeredBy[1]!,
    ]);
    expect(new Set(answeredBy)).toEqual(new Set([a!, b!]));
  });

  test("setReplicas scales up, then down by stopping the newest replicas", async () => {
    const d = start();
    await d.provision(echoFunction("elastic", 1));
    await until(() => d.readyReplicas("elastic") === 1, "one ready");
    await d.setReplicas("elastic", 3);
    const [oldest, second, newest] = pids("elastic");
    await until(() => d.readyReplicas("elastic") === 3, "three ready");
    await d.setReplicas("elastic", 1);
    expect(d.readyReplicas("elastic")).toBe(1);
    expect(pids("elastic")).toEqual([oldest!]);
    expect(isRunning(oldest!)).toBe(true);
    expect(await survivors([second!, newest!])).toEqual([]);
    expect(readyCounts("elastic").at(-1)).toBe(1);
    expect((await invoke(d.pickEndpoint("elastic")!, "still here")).pid).toBe(oldest!);
  });

  test("a replica killed with SIGKILL leaves rotation at once and comes back on its own", async () => {
    const d = start();
    await d.provision(echoFunction("phoenix", 2));
    await until(() => d.readyReplicas("phoenix") === 2, "two ready");
    const [victim, bystander] = pids("phoenix");
    process.kill(victim!, "SIGKILL");
    await until(() => d.readyReplicas("phoenix") === 1, "the dip");
    // While it is down, every invocation goes to the survivor.
    for (let i = 0; i < 3; i++) expect((await invoke(d.pickEndpoint("phoenix")!, i)).pid).toBe(bystander!);
    const waitingSince = performance.now();
    await until(() => d.readyReplicas("phoenix") === 2, "recovery", 5000);
    const recoveredIn = performance.now() - waitingSince;
    expect(recoveredIn).toBeGreaterThanOrEqual(90); // the 100 ms backoff happened
    const [reborn] = pids("phoenix");
    expect(reborn).not.toBe(victim);
    expect(readyCounts("phoenix")).toEqual([1, 2, 1, 2]);
    expect(d.replicaStarts("phoenix")).toEqual([2, 1]);
    expect(log.matching(/^\[fn\/phoenix#0\] nanofaas: killed by SIGKILL; restarting in 100 ms$/)).toHaveLength(1);
  });

  test("a ready replica that turns unhealthy leaves rotation, returns when healthy, is restarted if it stays sick", async () => {
    const d = start({ readinessTimeoutMs: 400, healthIntervalMs: 30 });
    await d.provision(echoFunction("moody", 1));
    await until(() => d.readyReplicas("moody") === 1, "ready");
    const [first] = pids("moody");
    const base = new URL(d.pickEndpoint("moody")!).origin;
    await fetch(`${base}/health/503`, { method: "PUT" });
    await until(() => d.readyReplicas("moody") === 0, "unready");
    await fetch(`${base}/health/200`, { method: "PUT" });
    await until(() => d.readyReplicas("moody") === 1, "ready again");
    expect(log.lines).toContain("[fn/moody#0] nanofaas: healthy again");
    expect(pids("moody")).toEqual([first!]);
    await fetch(`${base}/health/500`, { method: "PUT" });
    await until(() => d.replicaStarts("moody")[0] === 2, "a restart", 3000);
    expect(
      log.matching(/^\[fn\/moody#0\] nanofaas: unhealthy for \d+ ms \(GET \/health answered 500\); stopping it$/),
    ).toHaveLength(1);
    await until(() => d.readyReplicas("moody") === 1, "the new process ready");
    expect(pids("moody")[0]).not.toBe(first);
    expect(readyCounts("moody")).toEqual([1, 0, 1, 0, 1]);
  });

  test("one failed health probe does not take a ready replica out of rotation", async () => {
    const d = start({ healthIntervalMs: 20 });
    await d.provision(echoFunction("steady", 1));
    await until(() => d.readyReplicas("steady") === 1, "ready");
    const base = new URL(d.pickEndpoint("steady")!).origin;
    await fetch(`${base}/health/503/2`, { method: "PUT" });
    await Bun.sleep(200); // ten probe periods: the two failures and several successes
    pids("steady");
    expect(readyCounts("steady")).toEqual([1]);
    expect(log.matching(/health check failed/)).toEqual([]);
  });

  test("deprovision kills whole process groups, wrapper children included", async () => {
    const d = start();
    // `sh` runs bun as a child (the trailing `exit` keeps sh from exec-ing it): two processes each,
    // plus the watcher subshell that kills the group if the control plane dies (replica-launch.ts).
    const wrapped = fn({
      name: "wrapped",
      command: ["sh", "-c", `'${BUN}' '${ECHO_POD}'; exit 0`],
      scalingConfig: { minReplicas: 2 },
    });
    await d.provision(wrapped);
    await until(() => d.readyReplicas("wrapped") === 2, "two ready");
    const groups = pids("wrapped");
    for (const pgid of groups) expect(runningInGroup(pgid).length).toBe(3);
    await d.deprovision("wrapped");
    expect(d.readyReplicas("wrapped")).toBe(0);
    expect(d.pickEndpoint("wrapped")).toBeUndefined();
    expect(readyCounts("wrapped").at(-1)).toBe(0);
    expect(await survivors(groups)).toEqual([]);
  });

  test("when a wrapper dies, what it started dies too before the restart", async () => {
    const d = start();
    await d.provision(
      fn({ name: "shell", command: ["sh", "-c", `'${BUN}' '${ECHO_POD}'; exit 0`], scalingConfig: { minReplicas: 1 } }),
    );
    await until(() => d.readyReplicas("shell") === 1, "ready");
    const [wrapper] = pids("shell");
    const others = runningInGroup(wrapper!).filter((pid) => pid !== wrapper); // the pod and the watcher
    process.kill(wrapper!, "SIGKILL");
    expect(await survivors([wrapper!])).toEqual([]);
    expect(others.filter(isRunning)).toEqual([]);
    await until(() => d.readyReplicas("shell") === 1, "the restarted replica ready");
    pids("shell");
  });

  test("close() stops every function and removes its exit hook", async () => {
    const hooks = process.listenerCount("exit");
    const d = start();
    await d.provision(echoFunction("one", 1));
    await d.provision(echoFunction("two", 2));
    await until(() => d.readyReplicas("one") + d.readyReplicas("two") === 3, "three ready");
    const all = [...pids("one"), ...pids("two")];
    await d.close();
    expect(await survivors(all)).toEqual([]);
    expect(process.listenerCount("exit")).toBe(hooks);
  });

  test("a command that exits at once is restarted with exponential backoff, not in a busy loop", async () => {
    const d = start();
    await d.provision(
      fn({ name: "crashy", command: ["sh", "-c", "echo boom >&2; exit 3"], scalingConfig: { minReplicas: 1 } }),
    );
    pids("crashy");
    await until(() => restartDelays("crashy").length >= 4, "four restarts", 5000);
    pids("crashy");
    expect(restartDelays("crashy").slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(d.replicaStarts("crashy")[0]).toBeLessThanOrEqual(5);
    expect(d.readyReplicas("crashy")).toBe(0);
    expect(events).toEqual([]);
    expect(log.matching(/^\[fn\/crashy#0\] boom$/).length).toBeGreaterThanOrEqual(4);
    expect(log.lines).toContain(
      "[fn/crashy#0] nanofaas: exited with code 3 before becoming ready; restarting in 100 ms",
    );
  });

  test("a command that never becomes healthy is never ready, is killed after the budget and says why", async () => {
    const d = start({ readinessTimeoutMs: 300 });
    await d.provision(echoFunction("sulky", 1, { env: { HEALTH_STATUS: "503" } }));
    pids("sulky");
    await until(() => d.replicaStarts("sulky")[0] === 2, "a second attempt", 3000);
    pids("sulky");
    expect(d.readyReplicas("sulky")).toBe(0);
    expect(events).toEqual([]);
    expect(log.lines).toContain(
      "[fn/sulky#0] nanofaas: not ready within 300 ms (last probe: GET /health answered 503); stopping it",
    );
    expect(log.matching(/^\[fn\/sulky#0\] nanofaas: exited with code 0; restarting in 100 ms$/)).toHaveLength(1);
  });

  test("a program that does not listen on PORT gets a hint", async () => {
    const d = start({ readinessTimeoutMs: 200 });
    await d.provision(fn({ name: "deaf", command: ["sleep", "30"], scalingConfig: { minReplicas: 1 } }));
    pids("deaf");
    await until(() => log.matching(/deaf#0\] nanofaas: not ready/).length === 1, "the readiness failure", 3000);
    pids("deaf");
    expect(
      log.matching(
        /^\[fn\/deaf#0\] nanofaas: not ready within 200 ms \(last probe: GET \/health failed: connection refused; does it listen on 127\.0\.0\.1:\$PORT \(\d+\)\?\); stopping it$/,
      ),
    ).toHaveLength(1);
  });

  test("a replica that ignores SIGTERM is SIGKILLed after the grace", async () => {
    const d = start({ stopGraceMs: 300 });
    // SIG_IGN survives exec, so both sh and its sleep ignore SIGTERM.
    await d.provision(
      fn({
        name: "stubborn",
        command: ["sh", "-c", "trap '' TERM; sleep 30; exit 0"],
        scalingConfig: { minReplicas: 1 },
      }),
    );
    const [pgid] = pids("stubborn");
    await until(() => runningInGroup(pgid!).length === 3, "sh, sleep and the parent watcher running");
    const started = performance.now();
    await d.deprovision("stubborn");
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(log.lines).toContain("[fn/stubborn#0] nanofaas: did not exit within 300 ms of SIGTERM; sending SIGKILL");
    expect(await survivors([pgid!])).toEqual([]);
  });
});
