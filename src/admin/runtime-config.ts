/**
 * @module
 * Live runtime configuration (reference control-plane.md §1.11): a revisioned snapshot of the rate
 * limit and sync-queue settings, validated against the effective result of a patch, applied to the
 * engine's RuntimeSettings object (which the engine reads on every request), and rolled back if an
 * applier fails. Answers are `{status, body}` pairs in the reference's exact shapes — the admin API
 * keeps them rather than the error envelope because existing clients parse them.
 */
import type { RuntimeSettings } from "../execution/runtime-settings";
import { formatIsoDuration, parseIsoDurationMs } from "../lib/duration";
import type { Logger } from "../observability/logger";
import type { RuntimeConfigMetrics } from "../observability/metrics";

export interface RuntimeConfigSnapshot {
  revision: number;
  rateMaxPerSecond: number;
  syncQueueEnabled: boolean;
  syncQueueAdmissionEnabled: boolean;
  syncQueueMaxEstimatedWait: string;
  syncQueueMaxQueueWait: string;
  syncQueueRetryAfterSeconds: number;
}

/** PATCH/validate body; every field optional, null = unchanged. Types are checked by the route schema. */
export interface RuntimeConfigPatch {
  expectedRevision?: number | null;
  rateMaxPerSecond?: number | null;
  syncQueueEnabled?: boolean | null;
  syncQueueAdmissionEnabled?: boolean | null;
  syncQueueMaxEstimatedWait?: string | null;
  syncQueueMaxQueueWait?: string | null;
  syncQueueRetryAfterSeconds?: number | null;
}

export interface AdminAnswer {
  status: 200 | 400 | 409 | 422 | 503;
  body: Record<string, unknown>;
}

type Values = RuntimeSettings;
type Applier = (settings: Readonly<Values>) => void;

export interface RuntimeConfigDeps {
  /** The engine's live settings object; mutated in place. */
  settings: RuntimeSettings;
  metrics: RuntimeConfigMetrics;
  logger: Logger;
  /** Extra effects of a change, run after the settings are written; a throw rolls everything back. */
  appliers?: Applier[];
  now?: () => number;
  newId?: () => string;
}

const DURATION_FIELDS = [
  ["syncQueueMaxEstimatedWait", "syncQueueMaxEstimatedWaitMs"],
  ["syncQueueMaxQueueWait", "syncQueueMaxQueueWaitMs"],
] as const;

export class RuntimeConfigService {
  private revision = 0;
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(private readonly deps: RuntimeConfigDeps) {
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => crypto.randomUUID());
    deps.metrics.revision.set(0);
  }

  snapshot(): RuntimeConfigSnapshot {
    return toSnapshot(this.revision, this.deps.settings);
  }

  /** `POST …/validate`: 200 `{"valid":true}`, or the parse (400) / validation (422) answer. */
  validate(patch: RuntimeConfigPatch): AdminAnswer {
    const next = this.effective(patch);
    return "status" in next ? next : { status: 200, body: { valid: true } };
  }

  /** `PATCH`: requires `expectedRevision`; parse, validate, check the revision, apply. */
  patch(patch: RuntimeConfigPatch): AdminAnswer {
    if (patch.expectedRevision === undefined || patch.expectedRevision === null) {
      return { status: 400, body: { error: "expectedRevision is required" } };
    }
    const next = this.effective(patch);
    if ("status" in next) return next;
    if (patch.expectedRevision !== this.revision) {
      return {
        status: 409,
        body: {
          error: `Revision mismatch: expected ${patch.expectedRevision} but current is ${this.revision}`,
          currentRevision: this.revision,
        },
      };
    }
    return this.apply(next);
  }

  private effective(patch: RuntimeConfigPatch): Values | AdminAnswer {
    const current = this.deps.settings;
    const next: Values = {
      ...current,
      rateMaxPerSecond: patch.rateMaxPerSecond ?? current.rateMaxPerSecond,
      syncQueueEnabled: patch.syncQueueEnabled ?? current.syncQueueEnabled,
      syncQueueAdmissionEnabled: patch.syncQueueAdmissionEnabled ?? current.syncQueueAdmissionEnabled,
      syncQueueRetryAfterSeconds: patch.syncQueueRetryAfterSeconds ?? current.syncQueueRetryAfterSeconds,
    };
    for (const [field, key] of DURATION_FIELDS) {
      const raw = patch[field];
      if (raw === undefined || raw === null) continue;
      const ms = parseIsoDurationMs(raw);
      if (ms === undefined) return { status: 400, body: { error: `Invalid duration for ${field}`, field, value: raw } };
      next[key] = ms;
    }
    const errors = validationErrors(next);
    return errors.length > 0 ? { status: 422, body: { errors } } : next;
  }

  private apply(next: Values): AdminAnswer {
    const { settings, metrics, logger } = this.deps;
    const previous = { ...settings };
    const started = performance.now();
    try {
      Object.assign(settings, next);
      for (const applier of this.deps.appliers ?? []) applier(settings);
    } catch (error) {
      Object.assign(settings, previous);
      for (const applier of this.deps.appliers ?? []) {
        try {
          applier(settings);
        } catch {
          // Best effort: the settings object itself is already restored.
        }
      }
      metrics.updates.inc({ status: "failure" });
      metrics.applyDuration.observe((performance.now() - started) / 1000);
      const detail = (error as Error)?.message ?? String(error);
      logger.error({ err: error }, "runtime config apply failed, rolled back");
      return { status: 503, body: { error: "Apply failed, rolled back", detail } };
    }
    this.revision += 1;
    metrics.updates.inc({ status: "success" });
    metrics.applyDuration.observe((performance.now() - started) / 1000);
    metrics.revision.set(this.revision);
    const changeId = this.newId();
    const effectiveConfig = this.snapshot();
    logger.info(
      { revision: this.revision, changeId, changed: changedFields(previous, settings) },
      "runtime config updated",
    );
    return {
      status: 200,
      body: {
        revision: this.revision,
        effectiveConfig,
        appliedAt: new Date(this.now()).toISOString(),
        changeId,
        warnings: [],
      },
    };
  }
}

function toSnapshot(revision: number, s: Values): RuntimeConfigSnapshot {
  return {
    revision,
    rateMaxPerSecond: s.rateMaxPerSecond,
    syncQueueEnabled: s.syncQueueEnabled,
    syncQueueAdmissionEnabled: s.syncQueueAdmissionEnabled,
    syncQueueMaxEstimatedWait: formatIsoDuration(s.syncQueueMaxEstimatedWaitMs),
    syncQueueMaxQueueWait: formatIsoDuration(s.syncQueueMaxQueueWaitMs),
    syncQueueRetryAfterSeconds: s.syncQueueRetryAfterSeconds,
  };
}

/** The reference's validation texts, applied to the effective configuration. */
function validationErrors(s: Values): string[] {
  const errors: string[] = [];
  if (s.rateMaxPerSecond <= 0) errors.push(`rateMaxPerSecond must be > 0, got ${s.rateMaxPerSecond}`);
  if (s.syncQueueMaxEstimatedWaitMs <= 0) errors.push("syncQueueMaxEstimatedWait must be > 0");
  if (s.syncQueueMaxQueueWaitMs <= 0) errors.push("syncQueueMaxQueueWait must be > 0");
  if (s.syncQueueMaxEstimatedWaitMs > s.syncQueueMaxQueueWaitMs) {
    errors.push("syncQueueMaxEstimatedWait must be <= syncQueueMaxQueueWait");
  }
  if (s.syncQueueRetryAfterSeconds < 1)
    errors.push(`syncQueueRetryAfterSeconds must be >= 1, got ${s.syncQueueRetryAfterSeconds}`);
  return errors;
}

function changedFields(before: Values, after: Values): string[] {
  return (Object.keys(after) as (keyof Values)[]).filter((key) => before[key] !== after[key]);
}
