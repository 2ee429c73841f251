/**
 * @module
 * The tenants of this control plane (issue 19): created through `/v1/tenants` or declared in
 * NANOFAAS_TENANTS_FILE, persisted through the state store, read from memory. `default` always
 * exists (it has no row until someone gives it quotas). Writes are serialised: two admins racing
 * to create the same name get one 201 and one 409, never two rows.
 *
 * Who owns functions is not known here: `ownership` (the function registry) answers, so deleting a
 * tenant that still owns functions can be refused, or (forced) take them with it.
 */
import { NanofaasError, notFound } from "../domain/errors";
import type { TenantRow, TenantRows } from "../store/tenant-rows";
import { DEFAULT_TENANT, type TenantQuotas, type TenantSpec } from "./tenant-spec";

export interface Tenant {
  name: string;
  quotas: TenantQuotas;
  /** `builtin`: `default` before anyone gave it quotas; `file`: NANOFAAS_TENANTS_FILE. */
  source: "api" | "file" | "builtin";
  createdAt: number | null;
  updatedAt: number | null;
}

export interface TenantOwnership {
  /** How many functions the tenant owns. */
  functionCount(tenant: string): number;
  /** Deletes every function the tenant owns (a forced tenant delete). */
  deleteFunctions(tenant: string): Promise<void>;
}

/** Told when a tenant's quotas change; `undefined` when the tenant is gone. */
export type QuotaListener = (tenant: string, quotas: TenantQuotas | undefined) => void;

export interface TenantRegistryDeps {
  rows: TenantRows;
  ownership: TenantOwnership;
  listeners?: QuotaListener[];
  now?: () => number;
}

const builtinDefault = (): Tenant => ({
  name: DEFAULT_TENANT,
  quotas: {},
  source: "builtin",
  createdAt: null,
  updatedAt: null,
});

const fromRow = (row: TenantRow): Tenant => ({
  name: row.name,
  quotas: row.quotas as TenantQuotas,
  source: row.source,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

export class TenantRegistry {
  private readonly tenants = new Map<string, Tenant>([[DEFAULT_TENANT, builtinDefault()]]);
  private readonly listeners: QuotaListener[];
  private readonly now: () => number;
  /** The tail of the write chain: each create/update/delete runs after the previous one settled. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TenantRegistryDeps) {
    this.listeners = [...(deps.listeners ?? [])];
    this.now = deps.now ?? Date.now;
  }

  /** Also tell `listener` about quota changes (the admission gates, wired after construction). */
  onQuotasChanged(listener: QuotaListener): void {
    this.listeners.push(listener);
  }

  /**
   * Start-up: the stored tenants, then the file's applied over them. A tenant the file no longer
   * lists stays, managed through the API from now on (it may own functions; removing a line from
   * a file must not delete them). Returns the names the file changed.
   */
  async load(fileTenants: readonly TenantSpec[] = []): Promise<string[]> {
    for (const row of await this.deps.rows.loadAll()) this.set(fromRow(row));
    const listed = new Set(fileTenants.map((t) => t.name));
    const changed: string[] = [];
    for (const tenant of [...this.tenants.values()]) {
      if (tenant.source === "file" && !listed.has(tenant.name)) {
        await this.persist({ ...tenant, source: "api" });
        changed.push(tenant.name);
      }
    }
    for (const spec of fileTenants) {
      const known = this.tenants.get(spec.name);
      const quotas = spec.quotas ?? {};
      if (known?.source === "file" && sameQuotas(known.quotas, quotas)) continue;
      const now = this.now();
      await this.persist({
        name: spec.name,
        quotas,
        source: "file",
        createdAt: known?.createdAt ?? now,
        updatedAt: now,
      });
      changed.push(spec.name);
    }
    return changed;
  }

  has(name: string): boolean {
    return this.tenants.has(name);
  }

  get(name: string): Tenant | undefined {
    return this.tenants.get(name);
  }

  /** By name. */
  list(): Tenant[] {
    return [...this.tenants.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  quotas(name: string): TenantQuotas | undefined {
    return this.tenants.get(name)?.quotas;
  }

  create(spec: TenantSpec): Promise<Tenant> {
    return this.serial(async () => {
      if (this.tenants.has(spec.name)) throw new NanofaasError("CONFLICT", `Tenant '${spec.name}' already exists`);
      const now = this.now();
      return this.persist({
        name: spec.name,
        quotas: spec.quotas ?? {},
        source: "api",
        createdAt: now,
        updatedAt: now,
      });
    });
  }

  /** Replaces the quotas (absent ones: no limit). A file tenant is changed in its file. */
  update(name: string, quotas: TenantQuotas): Promise<Tenant> {
    return this.serial(async () => {
      const known = this.tenants.get(name);
      if (!known) throw notFound(`Tenant '${name}'`);
      if (known.source === "file") throw fromFile(name);
      const now = this.now();
      return this.persist({ name, quotas, source: "api", createdAt: known.createdAt ?? now, updatedAt: now });
    });
  }

  /** 409 while it owns functions unless `force` (then they go first); `default` cannot go. */
  delete(name: string, force: boolean): Promise<void> {
    return this.serial(async () => {
      const known = this.tenants.get(name);
      if (!known) throw notFound(`Tenant '${name}'`);
      if (name === DEFAULT_TENANT) throw new NanofaasError("CONFLICT", "Tenant 'default' always exists");
      if (known.source === "file") throw fromFile(name);
      const owned = this.deps.ownership.functionCount(name);
      if (owned > 0 && !force) {
        throw new NanofaasError(
          "CONFLICT",
          `Tenant '${name}' owns ${owned} function(s): delete them first, or delete the tenant with ?force=true`,
        );
      }
      if (owned > 0) await this.deps.ownership.deleteFunctions(name);
      await this.deps.rows.delete(name);
      this.tenants.delete(name);
      for (const listener of this.listeners) listener(name, undefined);
    });
  }

  private async persist(tenant: Tenant): Promise<Tenant> {
    await this.deps.rows.put({
      name: tenant.name,
      quotas: tenant.quotas as Record<string, number>,
      source: tenant.source === "file" ? "file" : "api",
      createdAt: tenant.createdAt ?? this.now(),
      updatedAt: tenant.updatedAt ?? this.now(),
    });
    this.set(tenant);
    return tenant;
  }

  private set(tenant: Tenant): void {
    this.tenants.set(tenant.name, tenant);
    for (const listener of this.listeners) listener(tenant.name, tenant.quotas);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.writes.then(work, work);
    this.writes = run.catch(() => undefined);
    return run;
  }
}

const fromFile = (name: string) =>
  new NanofaasError("CONFLICT", `Tenant '${name}' comes from NANOFAAS_TENANTS_FILE: change it there and restart`);

function sameQuotas(a: TenantQuotas, b: TenantQuotas): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TenantQuotas>;
  return [...keys].every((k) => a[k] === b[k]);
}
