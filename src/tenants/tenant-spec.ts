/**
 * @module
 * What a tenant is (issue 19, SPEC-platform §3): a name under the function-name rule and optional
 * quotas. An absent quota is no limit. `default` always exists: with auth `none`, and for every
 * credential made before tenants, it is where everything lives.
 */
import { z } from "zod";
import { FUNCTION_NAME_PATTERN } from "../domain/object-name";

export const DEFAULT_TENANT = "default";

/** A positive whole number no larger than `max` (a typo of a few zeros is caught, not stored). */
const cap = (max: number, description: string) =>
  z.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`).optional().meta({ description });

export const TenantQuotas = z
  .object({
    maxFunctions: cap(1_000_000, "Most functions the tenant may register (403 QUOTA_EXCEEDED above)"),
    maxRequestsPerSecond: cap(1_000_000, "Invocations per second over all its functions (429 tenant_rate above)"),
    maxConcurrency: cap(100_000, "Invocations in flight over all its functions (429 tenant_concurrency above)"),
    maxQueued: cap(1_000_000, "Invocations waiting in its queues (429 tenant_queue above)"),
    maxJobs: cap(10_000, "Concurrent REMOTE Jobs (further ones wait in the queue)"),
  })
  .strict()
  .meta({ id: "TenantQuotas", description: "Every quota is optional; absent means no limit" });
export type TenantQuotas = z.infer<typeof TenantQuotas>;

export const TenantName = z
  .string()
  .max(63, "must be at most 63 characters")
  .regex(
    FUNCTION_NAME_PATTERN,
    "must start with a letter followed by letters, digits, '.', '_' or '-' (or be a lower-case DNS label)",
  )
  .meta({ example: "team-a", description: "The function-name rule" });

export const TenantSpec = z
  .object({ name: TenantName, quotas: TenantQuotas.optional() })
  .strict()
  .meta({ id: "TenantSpec" });
export type TenantSpec = z.infer<typeof TenantSpec>;

/** The quota names, for messages and the CLI. */
export const QUOTA_NAMES = Object.keys(TenantQuotas.shape) as (keyof TenantQuotas)[];

/** True when the quotas limit anything (admission skips tenants without any). */
export const hasQuotas = (quotas: TenantQuotas | undefined): boolean =>
  quotas !== undefined && QUOTA_NAMES.some((k) => quotas[k] !== undefined);
