/**
 * @module
 * What every reconciler of nanofaas.io resources (Function, Workflow) does the same way: one
 * reconcile at a time per name (a request for a busy name runs once more after it), optimistic
 * read-modify-write retried on 409 from a fresh read, and the cleanup finalizer.
 */
import { type CustomObject, type CustomResources, ResourceConflict } from "../deploy/k8s/function-resources";

/** A write's attempts before a conflict is left to the next reconcile. */
export const CONFLICT_ATTEMPTS = 5;

/** Held on every reconciled resource until what it made is removed. */
export const CLEANUP_FINALIZER = "nanofaas.io/cleanup";

/**
 * Read-modify-write with optimistic concurrency: `change` (undefined = nothing to write) is applied
 * to `obj`, and on a 409 to a fresh read, up to CONFLICT_ATTEMPTS times.
 */
export async function optimisticUpdate(
  resources: CustomResources,
  obj: CustomObject,
  change: (o: CustomObject) => CustomObject | undefined,
  viaStatus = false,
): Promise<CustomObject> {
  let current = obj;
  for (let attempt = 1; ; attempt++) {
    const next = change(current);
    if (!next) return current;
    try {
      return await (viaStatus ? resources.replaceStatus(next) : resources.replace(next));
    } catch (error) {
      if (!(error instanceof ResourceConflict) || attempt >= CONFLICT_ATTEMPTS) throw error;
      const fresh = await resources.get(obj.metadata.name);
      if (!fresh) return current;
      current = fresh;
    }
  }
}

export const addFinalizer = (o: CustomObject): CustomObject | undefined =>
  o.metadata.finalizers?.includes(CLEANUP_FINALIZER)
    ? undefined
    : { ...o, metadata: { ...o.metadata, finalizers: [...(o.metadata.finalizers ?? []), CLEANUP_FINALIZER] } };

export const removeFinalizer = (o: CustomObject): CustomObject | undefined =>
  o.metadata.finalizers?.includes(CLEANUP_FINALIZER)
    ? { ...o, metadata: { ...o.metadata, finalizers: o.metadata.finalizers.filter((f) => f !== CLEANUP_FINALIZER) } }
    : undefined;

/** Runs one job per name at a time; a request for a busy name runs the job once more after it. */
export class PerName {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly onError: (name: string, error: unknown) => void) {}

  run(name: string, job: () => Promise<void>): Promise<void> {
    const busy = this.running.get(name);
    if (busy) {
      this.again.add(name);
      return busy;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(name);
          await job().catch((error) => this.onError(name, error));
        } while (this.again.has(name));
      } finally {
        this.running.delete(name);
      }
    })();
    this.running.set(name, run);
    return run;
  }

  /** Resolves when every running job has ended. */
  idle = () => Promise.all(this.running.values()).then(() => undefined);
}
