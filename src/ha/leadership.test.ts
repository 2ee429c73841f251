import { describe, expect, test } from "bun:test";
import { defaultReplicaId, Leadership } from "./leadership";

describe("Leadership", () => {
  test("without an election the only control plane leads; with one it starts as a follower", () => {
    expect(new Leadership("none").isLeader()).toBe(true);
    expect(new Leadership("lease").isLeader()).toBe(false);
    expect(new Leadership("advisory-lock").isLeader()).toBe(false);
  });

  test("listeners hear each change once, with its reason; repeating a state is not a change", () => {
    const leadership = new Leadership("lease", "r1");
    const heard: string[] = [];
    const off = leadership.onChange((c) => heard.push(`${c.leader}:${c.reason}`));
    leadership.set(true, "acquired");
    leadership.set(true, "renewed");
    leadership.set(false, "renew deadline passed");
    off();
    leadership.set(true, "acquired");
    expect(heard).toEqual(["true:acquired", "false:renew deadline passed"]);
    expect(leadership.isLeader()).toBe(true);
  });

  test("isLeader can be passed around unbound", () => {
    const leadership = new Leadership("lease");
    const { isLeader } = leadership;
    leadership.set(true, "acquired");
    expect(isLeader()).toBe(true);
  });

  test("replica ids differ between two processes on one host", () => {
    expect(defaultReplicaId()).not.toBe(defaultReplicaId());
  });
});
