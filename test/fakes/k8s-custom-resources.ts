/**
 * @module
 * What the fake API server needs to serve custom resources: turning a posted
 * CustomResourceDefinition into resource types (one per served version, under the CRD's group),
 * and the rules the real server applies to them — the status subresource owns `status`, an update
 * that names a stale resourceVersion is a 409 Conflict, and a delete of an object with finalizers
 * only marks it (deletionTimestamp) until an update empties `metadata.finalizers`.
 */

// biome-ignore lint/suspicious/noExplicitAny: Kubernetes objects are free-form JSON in this fake.
type Obj = any;

export interface Resource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** false for cluster-scoped types (CustomResourceDefinitions themselves). */
  namespaced?: boolean;
  /** A custom resource whose CRD enables the status subresource. */
  statusSubresource?: boolean;
  /** The CustomResourceDefinition this type came from (removed with it). */
  crd?: string;
}

export const CRD_RESOURCE: Resource = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  kind: "CustomResourceDefinition",
  namespaced: false,
};

/** The resource types a CRD defines, or the reasons it is invalid (the server answers 422). */
export function resourcesOfCrd(crd: Obj): { resources: Resource[]; problems: string[] } {
  const spec = crd?.spec ?? {};
  const names = spec.names ?? {};
  const problems: string[] = [];
  if (typeof spec.group !== "string" || !spec.group.includes(".")) problems.push("spec.group: a DNS subdomain");
  if (typeof names.plural !== "string" || typeof names.kind !== "string")
    problems.push("spec.names: plural and kind are required");
  if (crd?.metadata?.name !== `${names.plural}.${spec.group}`)
    problems.push(`metadata.name: must be spec.names.plural+"."+spec.group`);
  if (spec.scope !== "Namespaced" && spec.scope !== "Cluster") problems.push("spec.scope: Namespaced or Cluster");
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.filter((v) => v.storage).length !== 1) problems.push("spec.versions: exactly one storage version");
  for (const v of versions) {
    if (!v.schema?.openAPIV3Schema) problems.push(`spec.versions[${v.name}].schema.openAPIV3Schema: Required value`);
  }
  const resources = versions
    .filter((v) => v.served)
    .map((v) => ({
      group: spec.group,
      version: v.name,
      plural: names.plural,
      kind: names.kind,
      namespaced: spec.scope === "Namespaced",
      statusSubresource: v.subresources?.status !== undefined,
      crd: crd?.metadata?.name,
    }));
  return { resources, problems };
}

/** What the API server sets on a CRD it accepted. */
export function establishedStatus(crd: Obj): Obj {
  const now = new Date().toISOString();
  return {
    acceptedNames: crd.spec.names,
    storedVersions: crd.spec.versions.filter((v: Obj) => v.storage).map((v: Obj) => v.name),
    conditions: [
      { type: "NamesAccepted", status: "True", reason: "NoConflicts", lastTransitionTime: now },
      { type: "Established", status: "True", reason: "InitialNamesAccepted", lastTransitionTime: now },
    ],
  };
}

/**
 * The object after an update or patch `next` of `current`: a write through `/status` changes only
 * `status`; a write of the main resource never changes `status` (for types with the subresource, and
 * for the built-in workloads) and bumps `generation` only when `spec` changed.
 */
export function applyWrite(current: Obj, next: Obj, viaStatus: boolean): Obj {
  if (viaStatus) return { ...current, status: next.status ?? {} };
  const specChanged = JSON.stringify(next.spec) !== JSON.stringify(current.spec);
  const { name, namespace, uid, creationTimestamp, deletionTimestamp, generation } = current.metadata;
  const metadata = {
    ...next.metadata,
    name,
    namespace,
    uid,
    creationTimestamp,
    generation: generation + (specChanged ? 1 : 0),
  };
  // Once set, deletionTimestamp stays: a client cannot undo a pending delete.
  if (deletionTimestamp) metadata.deletionTimestamp = deletionTimestamp;
  return { ...current, ...next, metadata, status: current.status };
}

/** The resourceVersion a write demands (optimistic concurrency), if it names one. */
export function preconditionOf(body: Obj): string | undefined {
  const rv = Array.isArray(body) ? undefined : body?.metadata?.resourceVersion;
  return typeof rv === "string" && rv !== "" ? rv : undefined;
}

/** Whether a delete must wait: the object still has finalizers. */
export const hasFinalizers = (obj: Obj) =>
  Array.isArray(obj.metadata?.finalizers) && obj.metadata.finalizers.length > 0;

/** `generateName` + 5 random lower-case characters, as the API server names such objects. */
export function generatedName(prefix: string): string {
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(Math.random() * alphabet.length)];
  return `${prefix}${suffix}`;
}
