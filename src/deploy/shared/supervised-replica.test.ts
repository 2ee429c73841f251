/**
 * The failure policy both local backends share, on a fake backend whose runs are small HTTP
 * servers on loopback: readiness, health probing (three failures in a row), restarts with backoff,
 * and stop. The backends' own tests (process, docker) cover what a run is.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { until } from "../../../test/support/until";
import { type ReplicaRun, type ReplicaTiming, type RunVerdict, SupervisedReplica } from "./supervised-replica";

/** A run: a server whose `/health` answers `health()` (or a closed port when `server` is absent). */
interface FakeRun extends ReplicaRun {
  server: ReturnType<typeof Bun.serve> | undefined;
}

interface FakeOptions {
  timing?: Partial<ReplicaTiming>;
  /** /health status of run `n` (0-based) at each probe. */
  health?: (run: number) => number;
  /** What `launch` returns instead of a run, for run `n`; undefined launches. */
  refuse?: (run: number) => string | undefined;
  /** Run `n` listens nowhere (no HTTP answer at all). */
  deaf?: (run: number) => boolean;
  exitReason?: () => string | undefined;
}

const servers: { stop(force: boolean): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.stop(true);
});

class FakeReplica extends SupervisedReplica<FakeRun> {
  readonly lines: string[] = [];
  readonly verdicts: RunVerdict[] = [];
  readyChanges: boolean[] = [];
  launches = 0;

  constructor(private readonly options: FakeOptions = {}) {
    super(
      {
        name: "fake",
        index: 0,
        emit: (line) => this.lines.push(line),
        onReadyChange: () => this.readyChanges.push(this.ready),
      },
      {
        readinessTimeoutMs: 300,
        probeIntervalMs: 10,
        healthIntervalMs: 15,
        stopGraceMs: 100,
        backoff: { baseMs: 20, maxMs: 80 },
        stableAfterMs: 60_000,
        ...options.timing,
      },
      "restarting",
    );
  }

  start(): void {
    this.loop ??= this.superviseForever();
  }

  /** The delays of the "restarting in N ms" lines, in order. */
  get delays(): number[] {
    return this.lines.flatMap((l) => /restarting in (\d+) ms$/.exec(l)?.[1] ?? []).map(Number);
  }

  protected launch(): FakeRun | string {
    const n = this.launches++;
    const refused = this.options.refuse?.(n);
    if (refused) return refused;
    const health = this.options.health ?? (() => 200);
    const server = this.options.deaf?.(n)
      ? undefined
      : Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(null, { status: health(n) }) });
    if (server) servers.push(server);
    this.baseUrl = server ? `http://127.0.0.1:${server.port}` : "http://127.0.0.1:9";
    this.starts++;
    return { server, baseUrl: this.baseUrl, startedAt: performance.now(), signal: this.newRunController().signal };
  }

  protected async endRun(run: FakeRun, verdict: RunVerdict): Promise<string> {
    this.verdicts.push(verdict);
    run.server?.stop(true);
    return verdict.problem ?? "ended";
  }

  protected override exitReason(): Promise<string | undefined> {
    return Promise.resolve(this.options.exitReason?.());
  }

  protected override unreachableHint(): string {
    return "; is it listening?";
  }
}

const replicas: FakeReplica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.stop()));
});
function started(options?: FakeOptions): FakeReplica {
  const replica = new FakeReplica(options);
  replicas.push(replica);
  replica.start();
  return replica;
}

describe("readiness", () => {
  test("a run is handed out only once /health answers 2xx", async () => {
    let status = 503;
    const replica = started({ health: () => status });
    await Bun.sleep(50);
    expect([replica.ready, replica.endpoint]).toEqual([false, undefined]);
    status = 200;
    await until(() => replica.ready, "ready");
    expect(replica.endpoint).toBe(`${replica.baseUrl}/invoke`);
    expect(replica.lines.some((l) => /^\[fn\/fake#0\] nanofaas: ready after \d+ ms$/.test(l))).toBe(true);
  });

  test("not ready within the budget: stopped with the last answer, then restarted after the backoff", async () => {
    const replica = started({ health: (run) => (run === 0 ? 503 : 200), timing: { readinessTimeoutMs: 150 } });
    await until(() => replica.ready, "the second run ready");
    expect(replica.verdicts[0]).toEqual({ problem: "not ready within 150 ms (last probe: GET /health answered 503)" });
    expect(replica.launches).toBe(2);
    expect(replica.delays).toEqual([20]);
  });

  test("no HTTP answer at all: the backend's hint is added", async () => {
    const replica = started({ deaf: (run) => run === 0, timing: { readinessTimeoutMs: 150 } });
    await until(() => replica.verdicts.length === 1, "the first run stopped");
    expect(replica.verdicts[0]!.problem).toMatch(
      /^not ready within 150 ms \(last probe: GET \/health failed: .+; is it listening\?\)$/,
    );
  });

  test("a run that exited is noticed within a second, not at the deadline", async () => {
    let exited: string | undefined;
    const replica = started({ health: () => 503, exitReason: () => exited, timing: { readinessTimeoutMs: 10_000 } });
    exited = "exited with code 3";
    await until(() => replica.verdicts.length === 1, "the exit noticed", 3000);
    expect(replica.verdicts[0]).toEqual({ problem: "exited with code 3 before becoming ready" });
  });
});

describe("health while ready", () => {
  test("one failed probe does not take a ready run out of rotation", async () => {
    let probes = 0;
    const replica = started({ health: () => (++probes === 3 ? 503 : 200) });
    await until(() => probes >= 6, "probes after the failed one");
    expect(replica.readyChanges).toEqual([true]);
    expect(replica.lines.filter((l) => l.includes("health check failed"))).toEqual([]);
  });

  test("three failures in a row take it out of rotation; a success brings it back", async () => {
    let status = 200;
    const replica = started({ health: () => status, timing: { readinessTimeoutMs: 60_000 } });
    await until(() => replica.ready, "ready");
    status = 503;
    await until(() => !replica.ready, "out of rotation");
    expect(replica.lines).toContain(
      "[fn/fake#0] nanofaas: health check failed 3 times (GET /health answered 503); taking no invocations until it recovers",
    );
    status = 200;
    await until(() => replica.ready, "back in rotation");
    expect(replica.lines).toContain("[fn/fake#0] nanofaas: healthy again");
    expect(replica.launches).toBe(1);
  });

  test("unhealthy for the readiness budget: stopped and restarted", async () => {
    let status = 200;
    const replica = started({ health: (run) => (run === 0 ? status : 200), timing: { readinessTimeoutMs: 100 } });
    await until(() => replica.ready, "ready");
    status = 500;
    await until(() => replica.launches === 2, "a restart");
    expect(replica.verdicts[0]!.problem).toMatch(/^unhealthy for \d+ ms \(GET \/health answered 500\)$/);
    expect(replica.verdicts[0]!.readySince).toBeNumber();
  });
});

describe("restarts", () => {
  test("failed launches are retried with a growing, capped backoff", async () => {
    const replica = started({ refuse: (run) => (run < 4 ? `could not start run ${run}` : undefined) });
    await until(() => replica.ready, "the fifth launch ready");
    expect(replica.delays).toEqual([20, 40, 80, 80]);
    expect(replica.lines[0]).toBe("[fn/fake#0] nanofaas: could not start run 0; restarting in 20 ms");
  });

  test("a run that stayed ready long enough resets the backoff", async () => {
    let status = 200;
    const replica = started({
      refuse: (run) => (run === 0 ? "refused" : undefined),
      health: () => status,
      timing: { readinessTimeoutMs: 60, stableAfterMs: 0 },
    });
    await until(() => replica.ready, "ready");
    status = 500;
    await until(() => replica.delays.length === 2, "restart after the unhealthy run");
    expect(replica.delays).toEqual([20, 20]); // not 40: the ready run was stable
  });
});

describe("stop", () => {
  test("leaves rotation at once, ends the run, and starts no other", async () => {
    const replica = started();
    await until(() => replica.ready, "ready");
    const stopping = replica.stop();
    expect([replica.ready, replica.endpoint]).toEqual([false, undefined]);
    await stopping;
    expect(replica.verdicts).toEqual([{ readySince: expect.any(Number) }]);
    expect(replica.launches).toBe(1);
    expect(replica.delays).toEqual([]);
  });
});
