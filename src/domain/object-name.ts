/**
 * @module
 * Function names and the names of the objects created for them (issue 15.3). Names follow the
 * reference's rule (`WordStats`, `word_stats.v2`) or, as before, a lower-case DNS label. Kubernetes
 * and Docker object names are derived: a name that is already a short DNS label is used as it is
 * (objects created before this rule keep their names); any other name is lower-cased, its other
 * characters replaced by `-`, cut to fit, and suffixed with 8 hex digits of its SHA-256. An
 * unaltered name never ends in `-` + 8 hex digits (such names are altered too), so a derived name
 * can never equal another function's unaltered one, and two altered names differ by their hashes.
 */
import { createHash } from "node:crypto";

/** The reference's rule, or a DNS-1123 label (what earlier versions accepted), at most 63 characters. */
export const FUNCTION_NAME_PATTERN = /^(?:[a-zA-Z][a-zA-Z0-9._-]{0,62}|[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)$/;

/** Leaves room for the `fn-` prefix within Kubernetes' 63-character DNS names. */
export const MAX_RESOURCE_NAME = 60;

/** A lower-case DNS-1123 label (also what image names need: `nanofaas init` scaffolds tags from it). */
export const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const HASH_LENGTH = 8;
const LOOKS_DERIVED = new RegExp(`-[0-9a-f]{${HASH_LENGTH}}$`);

/** The DNS-1123 label objects of function `name` are named after (≤ 60 characters). */
export function resourceName(name: string): string {
  if (name.length <= MAX_RESOURCE_NAME && DNS_LABEL.test(name) && !LOOKS_DERIVED.test(name)) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, HASH_LENGTH);
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_RESOURCE_NAME - HASH_LENGTH - 1)
    .replace(/^-+|-+$/g, "");
  return base === "" ? hash : `${base}-${hash}`;
}
