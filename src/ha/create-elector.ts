/**
 * @module
 * Which leader election this control plane runs (NANOFAAS_LEADER_ELECTION, docs/high-availability.md):
 * - `off`, or any store but PostgreSQL: none — this process is the only control plane on its state
 *   (a SQLite file has one writer), so it always leads;
 * - `auto` with PostgreSQL in a cluster: a `coordination.k8s.io/v1` Lease in the control plane's
 *   namespace;
 * - `auto` with PostgreSQL elsewhere: an advisory lock on the shared database.
 * The Kubernetes client is imported only for the Lease, so other set-ups do not load it.
 */
import type { Config } from "../config/config";
import type { AdvisoryLockElector } from "./advisory-lock-elector";
import { type ElectionKind, type LeaderElector, Leadership } from "./leadership";

export function electionKind(config: Config): ElectionKind {
  if (config.leaderElection === "off" || config.store !== "postgres") return "none";
  return config.kubernetesServiceHost ? "lease" : "advisory-lock";
}

/** The leadership, and the elector that drives it (absent when there is no election). */
export async function createLeaderElection(
  config: Config,
  replicaId?: string,
  log?: (event: string, fields?: Record<string, unknown>) => void,
): Promise<{ leadership: Leadership; elector?: LeaderElector }> {
  const kind = electionKind(config);
  const leadership = new Leadership(kind, replicaId);
  const timings = {
    renewDeadlineMs: config.leaseRenewDeadlineMs,
    retryPeriodMs: config.leaseRetryPeriodMs,
  };
  if (kind === "none") return { leadership };
  if (kind === "advisory-lock") {
    const { AdvisoryLockElector } = await import("./advisory-lock-elector");
    const elector: AdvisoryLockElector = new AdvisoryLockElector({
      databaseUrl: config.databaseUrl!,
      name: config.leaseName,
      leadership,
      log,
      ...timings,
    });
    return { leadership, elector };
  }
  const { leaseElectorFromConfig } = await import("../deploy/k8s/lease-elector-from-config");
  const elector = leaseElectorFromConfig(config, { leadership, log, durationMs: config.leaseDurationMs, ...timings });
  return { leadership, elector };
}
