/**
 * @module
 * The tenant a request acts in (issue 19): its credential's, or — for an `admin` credential, and
 * in mode `none` — the one named by `X-Nanofaas-Tenant`. The auth gate decides it once per request;
 * routes turn the names in paths and bodies into internal keys with it (src/tenants/tenant-key.ts)
 * and never show another tenant's objects: they are 404, as if they did not exist.
 */
import type { Context } from "hono";
import { notFound } from "../domain/errors";
import { qualify, splitKey, tenantOfKey } from "../tenants/tenant-key";
import { DEFAULT_TENANT } from "../tenants/tenant-spec";

export const TENANT_HEADER = "X-Nanofaas-Tenant";
const KEY = "nanofaasTenant";

export function setCallerTenant(c: Context, tenant: string): void {
  c.set(KEY as never, tenant as never);
}

/** The caller's tenant; `default` when nothing set one (an app built without the auth gate). */
export function callerTenant(c: Context): string {
  return (c.get(KEY as never) as string | undefined) ?? DEFAULT_TENANT;
}

/**
 * The internal key of `name` in the caller's tenant. A name holding `/` (sent as `%2F`) is no
 * tenant's name: it would otherwise address another tenant's key, so it is simply not found.
 */
export function callerKey(c: Context, name: string, what = "Function"): string {
  if (name.includes("/")) throw notFound(`${what} '${name}'`);
  return qualify(callerTenant(c), name);
}

/** Whether the caller's tenant owns the object of internal key `key`. */
export const callerOwns = (c: Context, key: string): boolean => tenantOfKey(key) === callerTenant(c);

/** The name a tenant knows its object by (the key without its tenant). */
export const localName = (key: string): string => splitKey(key).name;

/** How many store pages one tenant-filtered list reads at most before it answers (bounded work). */
export const MAX_PAGES_PER_LIST = 20;

/**
 * One page of a store list (executions, DLQ) holding only the caller's objects. The stores page
 * over every tenant; the items of other tenants are dropped here, so a page may hold fewer than
 * `limit` items (even none, with a `nextCursor`: keep following it). Pages that hold nothing of the
 * caller's are skipped, up to MAX_PAGES_PER_LIST reads. `?function=` lists are exact: the store
 * filters by the function's key.
 */
export async function ownedPage<T>(
  c: Context,
  keyOf: (item: T) => string,
  read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  cursor: string | undefined,
): Promise<{ items: T[]; nextCursor: string | null }> {
  const tenant = callerTenant(c);
  let next = cursor;
  for (let round = 0; ; round++) {
    const page = await read(next);
    const items = page.items.filter((item) => tenantOfKey(keyOf(item)) === tenant);
    if (items.length > 0 || page.nextCursor === null || round + 1 >= MAX_PAGES_PER_LIST) {
      return { items, nextCursor: page.nextCursor };
    }
    next = page.nextCursor;
  }
}
