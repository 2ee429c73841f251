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
