/**
 * The bookkeeping both local backends share, with fake replicas. Round-robin, scaling newest first
 * and listener isolation are pinned end to end by process-deployer.test.ts and
 * docker-deployer.test.ts; here only what those cannot reach cheaply: a partial start failure.
 */
import { expect, test } from "bun:test";
import { ReplicaSet } from "./replica-set";

class FakeReplica {
  endpoint: string | undefined;
  constructor(
    readonly index: number,
    private readonly refuse: boolean,
    private readonly stops: number[],
  ) {}
  start(): Promise<void> {
    return this.refuse ? Promise.reject(new Error(`replica ${this.index} refused`)) : Promise.resolve();
  }
  async stop(): Promise<void> {
    this.stops.push(this.index);
  }
}

test("a replica that cannot start leaves the set with every replica added after it, then the failure is thrown", async () => {
  const stops: number[] = [];
  const set = new ReplicaSet(
    "f",
    (index) => new FakeReplica(index, index === 2, stops),
    () => {},
  );
  await set.scaleTo(1);
  const failure = await set.scaleTo(4).then(
    () => undefined,
    (error: Error) => error.message,
  );
  expect(failure).toBe("replica 2 refused");
  expect(set.replicas.map((replica) => replica.index)).toEqual([0, 1]);
  expect(stops).toEqual([3, 2]);
});

test("a failed run is announced, with the first replica error, only while no replica is ready", async () => {
  type Hooks = { ready: () => void; failed: () => void };
  const hooks: Hooks[] = [];
  const replicas: { endpoint: string | undefined; lastError?: string; start(): void; stop(): Promise<void> }[] = [];
  const failures: string[] = [];
  const set = new ReplicaSet(
    "f",
    (_index, ready, failed) => {
      hooks.push({ ready, failed });
      const replica = { endpoint: undefined, lastError: undefined, start() {}, stop: async () => {} };
      replicas.push(replica);
      return replica;
    },
    () => {},
    (name, error) => failures.push(`${name}: ${error}`),
  );
  await set.scaleTo(2);
  const [first, second] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
  second.lastError = "exited with code 1 before becoming ready";
  hooks[1]!.failed();
  expect(failures).toEqual(["f: exited with code 1 before becoming ready"]);
  first.endpoint = "http://127.0.0.1:1";
  hooks[0]!.ready();
  hooks[1]!.failed();
  expect(failures).toHaveLength(1);
});
