import { describe, expect, test } from "bun:test";
import { conditionsOf, sameStatus, statusOf } from "./conditions";

const at = (iso: string) => () => new Date(iso);
const brief = (o: Parameters<typeof conditionsOf>[0]) =>
  conditionsOf(o).map((c) => `${c.type}=${c.status}/${c.reason}`);

describe("Function status conditions", () => {
  test.each([
    [
      { generation: 1, runningGeneration: 1 },
      ["Ready=True/ReplicasReady", "Provisioned=True/Provisioned", "Degraded=False/AsExpected"],
    ],
    [
      { generation: 1, runningGeneration: 1, replicas: { ready: 0, desired: 1 } },
      ["Ready=False/ReplicasStarting", "Provisioned=True/Provisioned", "Degraded=False/AsExpected"],
    ],
    [
      { generation: 1, runningGeneration: 1, replicas: { ready: 0, desired: 0 } },
      ["Ready=True/ReplicasReady", "Provisioned=True/Provisioned", "Degraded=False/AsExpected"],
    ],
    [
      { generation: 1, runningGeneration: 1, degradation: "no image" },
      ["Ready=True/ReplicasReady", "Provisioned=True/Provisioned", "Degraded=True/RunningAsPool"],
    ],
    [
      { generation: 2, failure: { reason: "InvalidSpec", message: "bad" } },
      ["Ready=False/InvalidSpec", "Provisioned=False/InvalidSpec", "Degraded=True/InvalidSpec"],
    ],
    [
      { generation: 2, runningGeneration: 1, failure: { reason: "ProvisionFailed", message: "x" } },
      ["Ready=True/ReplicasReady", "Provisioned=False/ProvisionFailed", "Degraded=True/ProvisionFailed"],
    ],
  ])("%j → %j", (observation, expected) => {
    expect(brief(observation)).toEqual(expected);
  });

  test("lastTransitionTime moves only when a condition's status changes", () => {
    const first = statusOf(
      { generation: 1, runningGeneration: 1, replicas: { ready: 0, desired: 1 } },
      undefined,
      at("2026-01-01T00:00:00Z"),
    );
    const ready = statusOf(
      { generation: 1, runningGeneration: 1, replicas: { ready: 1, desired: 1 } },
      first,
      at("2026-01-01T00:01:00Z"),
    );
    const time = (s: typeof first, type: string) => s.conditions.find((c) => c.type === type)?.lastTransitionTime;
    expect(time(ready, "Ready")).toBe("2026-01-01T00:01:00.000Z");
    expect(time(ready, "Provisioned")).toBe("2026-01-01T00:00:00.000Z");
    const again = statusOf(
      { generation: 1, runningGeneration: 1, replicas: { ready: 1, desired: 1 } },
      ready,
      at("2026-01-01T00:02:00Z"),
    );
    expect(sameStatus(ready, again)).toBe(true);
    expect(sameStatus(JSON.parse(JSON.stringify(ready)), again)).toBe(true);
    expect(again).toMatchObject({ observedGeneration: 1, version: "1", readyReplicas: 1 });
  });
});
