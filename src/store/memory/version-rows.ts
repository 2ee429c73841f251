/**
 * @module
 * Function version history in memory (NANOFAAS_STORE=memory, and stores without the sub-store).
 */
import type { FunctionVersionRow, TrafficRow, VersionRows } from "../version-rows";

export function createMemoryVersionRows(): VersionRows {
  const history = new Map<string, FunctionVersionRow[]>();
  const activeOf = new Map<string, number>();
  const trafficOf = new Map<string, TrafficRow[]>();
  const rows = (name: string) => history.get(name) ?? [];
  return {
    async append(row) {
      const list = history.get(row.name) ?? [];
      if (list.some((r) => r.version === row.version)) throw new Error(`version ${row.version} exists`);
      list.push(structuredClone(row));
      history.set(row.name, list);
      activeOf.set(row.name, row.version);
    },
    list: async (name) => rows(name).map((r) => structuredClone(r)),
    get: async (name, version) => {
      const row = rows(name).find((r) => r.version === version);
      return row && structuredClone(row);
    },
    active: async (name) => activeOf.get(name),
    async setActive(name, version) {
      activeOf.set(name, version);
    },
    async prune(name, keep) {
      const list = rows(name);
      const active = activeOf.get(name);
      const excess = list.length - keep;
      if (excess <= 0) return 0;
      const gone = new Set(list.filter((r) => r.version !== active).slice(0, excess));
      history.set(
        name,
        list.filter((r) => !gone.has(r)),
      );
      return gone.size;
    },
    traffic: async (name) => structuredClone(trafficOf.get(name)),
    async setTraffic(name, traffic, active) {
      if (traffic) trafficOf.set(name, structuredClone(traffic));
      else trafficOf.delete(name);
      if (active !== undefined) activeOf.set(name, active);
    },
    async deleteFunction(name) {
      history.delete(name);
      activeOf.delete(name);
      trafficOf.delete(name);
    },
  };
}
