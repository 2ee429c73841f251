/**
 * @module
 * Which version's queue takes a call of a function with a traffic split (issue 22). A split is a
 * table of 100 queues built once when the split is set (versions/traffic.ts): a call reads one
 * slot — random, or the slot its Idempotency-Key hashes to, so one key always reaches the same
 * version while the split stands — an O(1) read with no allocation. `X-Function-Version` pins a
 * call to one version's queue. A function without a split never comes here (engine.ts checks one
 * field first).
 */
import { NanofaasError } from "../domain/errors";

export const TABLE_SLOTS = 100;

export interface TrafficRoute<Q> {
  /** TABLE_SLOTS targets, each version's as many times as its weight. */
  readonly slots: readonly Q[];
  /** Every version that runs (weight 0 included), for pinned calls. */
  readonly byVersion: ReadonlyMap<number, Q>;
}

/** FNV-1a of a string's UTF-16 code units, reduced to a slot: the same on every control plane and after a restart. */
export function slotOfKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TABLE_SLOTS;
}

/**
 * The queue that takes a call. `own` serves the active version; `route` is its split (undefined:
 * everything goes to `own`); `pinned` is the X-Function-Version of the call.
 */
export function pickRoute<Q extends { fn: { name: string; version?: number } }>(
  own: Q,
  route: TrafficRoute<Q> | undefined,
  pinned: number | undefined,
  idempotencyKey: string | undefined,
  random: () => number,
): Q {
  if (pinned !== undefined) {
    const target = route ? route.byVersion.get(pinned) : own.fn.version === pinned ? own : undefined;
    if (!target) {
      throw new NanofaasError(
        "NOT_FOUND",
        `Version ${pinned} of function '${own.fn.name}' is not running: X-Function-Version reaches the active version and those in its traffic split`,
      );
    }
    return target;
  }
  if (!route) return own;
  const slot = idempotencyKey === undefined ? Math.floor(random() * TABLE_SLOTS) : slotOfKey(idempotencyKey);
  return route.slots[slot]!;
}
