/**
 * @module
 * How a replica process is started so that it cannot outlive the control plane (issue 13.12).
 * Replicas lead their own process groups (so a stop reaches a wrapper's children), which also
 * means nothing kills them when the control plane dies by SIGKILL, SIGHUP or a crash. So each
 * replica runs under a tiny `/bin/sh` preamble: a background subshell of the same group reads the
 * replica's stdin — a pipe whose only writer is the control plane — and on end-of-file, which the
 * kernel delivers however the control plane ends, kills the whole group. Then the shell `exec`s
 * the program with stdin from /dev/null, so the program keeps the replica's PID (= the group id)
 * and never sees the pipe. Cost: one idle `sh` per replica.
 */

/**
 * `exec 3<&0` first: a non-interactive shell gives background jobs /dev/null as stdin unless they
 * redirect it themselves. `kill -KILL 0` signals the subshell's own group: the replica's.
 */
const WATCH_PARENT =
  'exec 3<&0; ( while read -r _; do :; done; kill -KILL 0 ) <&3 >/dev/null 2>&1 & exec "$@" </dev/null 3<&-';

/** The argv that runs `argv` as a replica that dies with the control plane (stdin must be a pipe). */
export function watchedArgv(argv: readonly string[]): string[] {
  return ["/bin/sh", "-c", WATCH_PARENT, "nanofaas-replica", ...argv];
}
