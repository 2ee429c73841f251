/**
 * @module
 * Tenants as stored (issue 19, SPEC-platform §3): one row per tenant created through the API or
 * applied from NANOFAAS_TENANTS_FILE. A sub-store of StateStore, optional like `versions`: a store
 * without it keeps tenants in memory (said at start-up).
 */

export interface TenantRow {
  name: string;
  /** TenantQuotas JSON (absent keys: no limit). */
  quotas: Record<string, number>;
  /** `file`: from NANOFAAS_TENANTS_FILE (changed there, not through the API). */
  source: "api" | "file";
  createdAt: number;
  updatedAt: number;
}

export interface TenantRows {
  loadAll(): Promise<TenantRow[]>;
  /** Inserts or replaces the row of `row.name`; durable before it resolves. */
  put(row: TenantRow): Promise<void>;
  /** False when there was none. */
  delete(name: string): Promise<boolean>;
}
