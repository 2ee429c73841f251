/**
 * @module
 * High-availability settings (issue 20, SPEC-platform §4), spread into SETTINGS by config.ts.
 * Lease timings follow Kubernetes' own leader election (client-go's defaults 15 s / 10 s / 2 s):
 * a leader that cannot renew within the renew deadline steps down before anyone else may take
 * the lease at the end of its duration, so two leaders never act at once on a healthy clock.
 */
import { z } from "zod";
import { int } from "./fields";

const s = <T extends z.ZodType>(env: string, schema: T, doc: string) => ({ env: [env] as const, schema, doc });

/** A Lease is a Kubernetes object: its name must be a DNS-1123 subdomain; we allow the label subset. */
const leaseName = () =>
  z
    .string()
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "expected a DNS label: lowercase letters, digits and '-'")
    .default("nanofaas-leader");

export const HA_SETTINGS = {
  leaderElection: s(
    "NANOFAAS_LEADER_ELECTION",
    z.enum(["auto", "off"]).default("auto"),
    "auto: with NANOFAAS_STORE=postgres elect one leader for the singletons (a Kubernetes Lease in a cluster, a PostgreSQL advisory lock otherwise); off: this control plane always acts as leader (docs/high-availability.md)",
  ),
  leaseName: s("NANOFAAS_LEASE_NAME", leaseName(), "name of the Lease (and of the advisory lock) replicas compete for"),
  leaseDurationMs: s(
    "NANOFAAS_LEASE_DURATION_MS",
    int(1_000, 600_000).default(15_000),
    "how long a lease not renewed stays held: a new leader is elected at most this long after the old one dies",
  ),
  leaseRenewDeadlineMs: s(
    "NANOFAAS_LEASE_RENEW_DEADLINE_MS",
    int(500, 600_000).default(10_000),
    "a leader that has not renewed for this long stops its singletons at once (must be < the duration)",
  ),
  leaseRetryPeriodMs: s(
    "NANOFAAS_LEASE_RETRY_PERIOD_MS",
    int(100, 60_000).default(2_000),
    "how often the lease is renewed by the leader and tried by the others",
  ),
};

/** Cross-setting rules (client-go's): duration > deadline > 1.2 × retry period. */
export function haProblems(c: { leaseDurationMs: number; leaseRenewDeadlineMs: number; leaseRetryPeriodMs: number }) {
  const problems: string[] = [];
  if (c.leaseRenewDeadlineMs >= c.leaseDurationMs)
    problems.push(
      `NANOFAAS_LEASE_RENEW_DEADLINE_MS: must be < NANOFAAS_LEASE_DURATION_MS (${c.leaseRenewDeadlineMs} >= ${c.leaseDurationMs})`,
    );
  if (c.leaseRenewDeadlineMs <= 1.2 * c.leaseRetryPeriodMs)
    problems.push(
      `NANOFAAS_LEASE_RENEW_DEADLINE_MS: must be > 1.2 × NANOFAAS_LEASE_RETRY_PERIOD_MS (${c.leaseRenewDeadlineMs} <= 1.2 × ${c.leaseRetryPeriodMs})`,
    );
  return problems;
}
