/**
 * @module
 * The durable history of function versions (issue 22, SPEC-platform §6): every registration or
 * update appends an immutable, numbered spec; one of them is active. A sub-store of StateStore,
 * optional like the triggers one: a store without it keeps history in memory (said at start-up).
 */
import type { FunctionSpec } from "../domain/function-spec";

export interface FunctionVersionRow {
  name: string;
  /** 1, 2, 3 … per function; never reused while the function exists. */
  version: number;
  spec: FunctionSpec;
  createdAt: number;
}

/** One version's share of a function's calls (SPEC-platform §6 `traffic`), a whole percentage. */
export interface TrafficRow {
  version: number;
  weight: number;
}

export interface VersionRows {
  /** Stores a new version and makes it the active one, in one commit. */
  append(row: FunctionVersionRow): Promise<void>;
  /** Oldest first. */
  list(name: string): Promise<FunctionVersionRow[]>;
  get(name: string, version: number): Promise<FunctionVersionRow | undefined>;
  /** The active version (after a rollback, not the newest); undefined when the function has none. */
  active(name: string): Promise<number | undefined>;
  setActive(name: string, version: number): Promise<void>;
  /** Deletes the oldest versions beyond `keep`, never the active one; returns how many went. */
  prune(name: string, keep: number): Promise<number>;
  /** The function's traffic split; undefined when everything goes to the active version. */
  traffic(name: string): Promise<TrafficRow[] | undefined>;
  /**
   * Stores (or, with undefined, clears) the split. With `active`, the active version is set in the
   * same commit (a promote or rollback ends a split as it moves the active version).
   */
  setTraffic(name: string, traffic: TrafficRow[] | undefined, active?: number): Promise<void>;
  /** The function was deleted: its history goes with it. */
  deleteFunction(name: string): Promise<void>;
}
