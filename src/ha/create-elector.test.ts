import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../config/config";
import { AdvisoryLockElector } from "./advisory-lock-elector";
import { createLeaderElection, electionKind } from "./create-elector";

const PG = { NANOFAAS_STORE: "postgres", NANOFAAS_DATABASE_URL: "postgres://nanofaas@127.0.0.1:1/nanofaas" };
const config = (env: Record<string, string>) => loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none", ...env });

describe("which election a control plane runs", () => {
  test.each([
    [{}, "none"], // SQLite: one process owns the file
    [{ NANOFAAS_STORE: "memory" }, "none"],
    [PG, "advisory-lock"],
    [{ ...PG, KUBERNETES_SERVICE_HOST: "10.0.0.1" }, "lease"],
    [{ ...PG, NANOFAAS_LEADER_ELECTION: "off" }, "none"],
  ] as const)("%o → %s", (env, kind) => {
    expect(electionKind(config(env))).toBe(kind);
  });

  test("without an election this control plane leads from the start; with one it waits for the first round", async () => {
    expect((await createLeaderElection(config({}))).leadership.isLeader()).toBe(true);
    const { leadership, elector } = await createLeaderElection(config(PG));
    expect(elector).toBeInstanceOf(AdvisoryLockElector);
    expect(leadership.isLeader()).toBe(false); // nothing connects before start()
  });
});

describe("lease settings", () => {
  test("defaults follow Kubernetes' own: 15 s duration, 10 s renew deadline, 2 s retry", () => {
    const c = config({});
    expect([c.leaseName, c.leaseDurationMs, c.leaseRenewDeadlineMs, c.leaseRetryPeriodMs]).toEqual([
      "nanofaas-leader",
      15_000,
      10_000,
      2_000,
    ]);
  });

  test.each([
    [{ NANOFAAS_LEASE_RENEW_DEADLINE_MS: "15000" }, "must be < NANOFAAS_LEASE_DURATION_MS"],
    [{ NANOFAAS_LEASE_RETRY_PERIOD_MS: "9000" }, "must be > 1.2 × NANOFAAS_LEASE_RETRY_PERIOD_MS"],
    [{ NANOFAAS_LEASE_NAME: "Not_A_Label" }, "expected a DNS label"],
    [{ NANOFAAS_LEADER_ELECTION: "always" }, "NANOFAAS_LEADER_ELECTION"],
  ])("%o is refused, naming the problem", (env, message) => {
    expect(() => config(env)).toThrow(ConfigError);
    expect(() => config(env)).toThrow(message);
  });
});
