/**
 * @module
 * Function versions (issue 22, SPEC-platform §6): which version a registration, an update or a
 * rollback makes active, kept in the store's VersionRows (memory when the store has none). A
 * registration whose spec equals the stored active version (a restart, an unchanged declared file)
 * is that version again, not a new one; anything else appends max+1. History is bounded per
 * function (NANOFAAS_MAX_FUNCTION_VERSIONS), the active version always kept.
 */
import { NanofaasError, notFound } from "../domain/errors";
import type { FunctionSpec } from "../domain/function-spec";
import type { FunctionVersionRow, TrafficRow, VersionRows } from "../store/version-rows";

export interface VersionHistoryDeps {
  rows: VersionRows;
  /** Versions kept per function (the oldest beyond it are pruned; the active one never). */
  retention: number;
  now?: () => number;
}

export class VersionHistory {
  private readonly now: () => number;

  constructor(private readonly deps: VersionHistoryDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A registration: the stored active version when its spec is the same, else a new one. */
  async registered(spec: FunctionSpec): Promise<number> {
    const active = await this.deps.rows.active(spec.name);
    if (active !== undefined) {
      const row = await this.deps.rows.get(spec.name, active);
      if (row && Bun.deepEquals(normalized(row.spec), normalized(spec))) return active;
    }
    return this.append(spec);
  }

  /**
   * An update (PUT): always a new version, made active. Versions in `protect` (a traffic split's)
   * are kept even when older than the retention would allow: the split still runs them.
   */
  async append(spec: FunctionSpec, protect: readonly number[] = []): Promise<number> {
    const existing = await this.deps.rows.list(spec.name);
    const version = (existing.at(-1)?.version ?? 0) + 1;
    await this.deps.rows.append({ name: spec.name, version, spec, createdAt: this.now() });
    const oldest = Math.min(version, ...protect);
    const needed = existing.filter((r) => r.version >= oldest).length + 1;
    await this.deps.rows.prune(spec.name, Math.max(this.deps.retention, needed));
    return version;
  }

  traffic(name: string): Promise<TrafficRow[] | undefined> {
    return this.deps.rows.traffic(name);
  }

  /** Stores the split (undefined: none); with `active`, moves the active version in the same commit. */
  setTraffic(name: string, traffic: TrafficRow[] | undefined, active?: number): Promise<void> {
    return this.deps.rows.setTraffic(name, traffic, active);
  }

  /** The version a rollback goes to: `version`, or the newest one older than `active`. */
  async rollbackTarget(name: string, active: number, version: number | undefined): Promise<FunctionVersionRow> {
    if (version !== undefined) {
      const row = await this.deps.rows.get(name, version);
      if (!row) throw notFound(`Version ${version} of function '${name}'`);
      return row;
    }
    const older = (await this.deps.rows.list(name)).filter((r) => r.version < active);
    const previous = older.at(-1);
    if (!previous) {
      throw new NanofaasError("CONFLICT", `Function '${name}' has no version older than ${active} to roll back to`);
    }
    return previous;
  }

  activate(name: string, version: number): Promise<void> {
    return this.deps.rows.setActive(name, version);
  }

  list(name: string): Promise<FunctionVersionRow[]> {
    return this.deps.rows.list(name);
  }

  get(name: string, version: number): Promise<FunctionVersionRow | undefined> {
    return this.deps.rows.get(name, version);
  }

  forget(name: string): Promise<void> {
    return this.deps.rows.deleteFunction(name);
  }
}

/** JSON's view of a spec (undefined members dropped), so a stored and a parsed spec compare equal. */
const normalized = (spec: FunctionSpec): unknown => JSON.parse(JSON.stringify(spec));
