/**
 * @module
 * Whether a listen address is reachable only from this machine. Until the API has authentication,
 * anyone who can connect can register functions (and, with the process backend, run allowed
 * commands), so the control plane listens on loopback unless told otherwise and warns when it is.
 */

/** True for `localhost`, any 127.0.0.0/8 address and `::1` (bracketed or not). */
export function isLoopbackAddress(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (bare === "localhost" || bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) || bare.startsWith("::ffff:127.");
}
