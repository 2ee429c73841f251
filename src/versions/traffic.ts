/**
 * @module
 * Traffic splitting between versions of one function (issue 22, SPEC-platform §6): the check of a
 * `traffic` list and the 100-slot weight table invocations are routed by. Pure: the function
 * service decides what runs where, the engine reads a table.
 *
 * A weight is a whole percentage, so a table of 100 slots holds any split exactly; a call takes a
 * random slot (or, with an Idempotency-Key, the slot its hash selects: the same key always reaches
 * the same version while the split stands), an O(1) read with no allocation on the invoke path.
 */
import { validation } from "../domain/errors";
import { TABLE_SLOTS } from "../execution/traffic-route";

export interface TrafficEntry {
  version: number;
  /** A whole percentage, 0..100; 0 keeps the version running for pinned calls (X-Function-Version) only. */
  weight: number;
}

/** At most this many versions run side by side for one function (each has its own replicas). */
export const MAX_TRAFFIC_VERSIONS = 10;

/**
 * Checks a `traffic` list against the versions the function has; throws 400 VALIDATION_ERROR
 * listing every problem. Returns the entries sorted by version.
 */
export function checkTraffic(traffic: readonly TrafficEntry[], known: ReadonlySet<number>): TrafficEntry[] {
  const problems: string[] = [];
  if (traffic.length === 0) problems.push("traffic: must name at least one version");
  if (traffic.length > MAX_TRAFFIC_VERSIONS) problems.push(`traffic: at most ${MAX_TRAFFIC_VERSIONS} versions`);
  const seen = new Set<number>();
  let sum = 0;
  traffic.forEach(({ version, weight }, i) => {
    if (!Number.isInteger(version) || version < 1) problems.push(`traffic[${i}].version: must be an integer >= 1`);
    else if (seen.has(version)) problems.push(`traffic[${i}].version: ${version} is listed twice`);
    else if (!known.has(version)) problems.push(`traffic[${i}].version: the function has no version ${version}`);
    seen.add(version);
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      problems.push(`traffic[${i}].weight: must be an integer from 0 to 100`);
    } else sum += weight;
  });
  if (traffic.length > 0 && sum !== 100 && problems.length === 0) {
    problems.push(`traffic: the weights sum to ${sum}; they must sum to 100`);
  }
  if (problems.length > 0) throw validation("Request validation failed", problems);
  return [...traffic].sort((a, b) => a.version - b.version);
}

/** A split that sends everything to the active version routes as none (responses omit it). */
export function isWholeActive(traffic: readonly TrafficEntry[] | undefined, active: number): boolean {
  return traffic === undefined || (traffic.length === 1 && traffic[0]!.version === active);
}

/**
 * The 100 slots of a split: slot i holds the target of the version whose weight range covers i
 * (versions in ascending order, so the same split always builds the same table).
 */
export function buildTable<T>(traffic: readonly TrafficEntry[], targetOf: (version: number) => T): T[] {
  const slots: T[] = [];
  for (const { version, weight } of traffic) {
    const target = targetOf(version);
    for (let i = 0; i < weight; i++) slots.push(target);
  }
  if (slots.length !== TABLE_SLOTS) throw new Error(`a traffic table needs weights summing to ${TABLE_SLOTS}`);
  return slots;
}

/** The versions named by a split with their weights, as `v1=90 v2=10` (logs, messages). */
export function describeTraffic(traffic: readonly TrafficEntry[]): string {
  return traffic.map((t) => `v${t.version}=${t.weight}`).join(" ");
}
