/**
 * @module
 * The restricted Pod Security Standard for function pods (anchors Part 2 §D, as knative's
 * activator): non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp and a
 * read-only root filesystem with a writable `/tmp` (the watchdog's FILE mode and most runtimes
 * need scratch space). The uid is pinned to 65532 (distroless "nonroot") so images whose USER is
 * root or non-numeric still start instead of failing the kubelet's runAsNonRoot check.
 */
export const RUN_AS_USER = 65532;

export function podSecurityContext() {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER,
    runAsGroup: RUN_AS_USER,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export const TMP_VOLUME = { name: "tmp", emptyDir: {} };
export const TMP_MOUNT = { name: "tmp", mountPath: "/tmp" };
