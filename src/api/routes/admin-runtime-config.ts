/**
 * @module
 * `/v1/admin/runtime-config` (reference control-plane.md §1.11): read, validate and patch the live
 * rate-limit and sync-queue settings. Registered only when NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED is
 * true (otherwise the three routes are 404). Its 400/409/422/503 bodies keep the reference's own
 * shapes (`{"error": "<text>", …}`, `{"errors": […]}`) instead of the error envelope, because the
 * reference's admin clients parse them; a type error in the body is still a VALIDATION_ERROR envelope.
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AdminAnswer, RuntimeConfigService } from "../../admin/runtime-config";
import { errors, json } from "../openapi-helpers";

const tags = ["admin"];
const INT32_MAX = 2_147_483_647;
const int32 = z
  .number()
  .int()
  .min(-INT32_MAX - 1)
  .max(INT32_MAX);
const isoDuration = z
  .string()
  .meta({ description: "ISO-8601 duration, e.g. PT2S, PT0.5S, PT1M30S (case-insensitive)" });

const Snapshot = z
  .object({
    revision: z.number().int(),
    rateMaxPerSecond: z.number().int(),
    syncQueueEnabled: z.boolean(),
    syncQueueAdmissionEnabled: z.boolean(),
    syncQueueMaxEstimatedWait: z.string(),
    syncQueueMaxQueueWait: z.string(),
    syncQueueRetryAfterSeconds: z.number().int(),
  })
  .meta({ id: "RuntimeConfigSnapshot" });

const Patch = z
  .object({
    expectedRevision: z.number().int().nullish().meta({ description: "Required by PATCH; ignored by validate" }),
    rateMaxPerSecond: int32.nullish(),
    syncQueueEnabled: z.boolean().nullish(),
    syncQueueAdmissionEnabled: z.boolean().nullish(),
    syncQueueMaxEstimatedWait: isoDuration.nullish(),
    syncQueueMaxQueueWait: isoDuration.nullish(),
    syncQueueRetryAfterSeconds: int32.nullish(),
  })
  .meta({ id: "RuntimeConfigPatch", description: "Every field optional; null or absent means unchanged" });

const PatchResponse = z
  .object({
    revision: z.number().int(),
    effectiveConfig: Snapshot,
    appliedAt: z.string().meta({ description: "ISO-8601 instant" }),
    changeId: z.string().meta({ description: "UUID of this change" }),
    warnings: z.array(z.string()),
  })
  .meta({ id: "RuntimeConfigPatchResponse" });

const AdminError = z
  .object({
    error: z.string().meta({ description: "Human-readable text (reference shape, not an error code)" }),
    field: z.string().optional(),
    value: z.string().optional(),
    currentRevision: z.number().int().optional().meta({ description: "On 409" }),
    detail: z.string().optional().meta({ description: "On 503" }),
  })
  .meta({ id: "RuntimeConfigError" });
const ValidationErrors = z.object({ errors: z.array(z.string()) }).meta({ id: "RuntimeConfigValidationErrors" });

const body = { required: true, content: { "application/json": { schema: Patch } } } as const;
const invalid = {
  400: json(
    AdminError,
    "Missing expectedRevision (PATCH) or unparseable duration; a wrongly typed field is a VALIDATION_ERROR envelope",
  ),
  422: json(ValidationErrors, "The effective configuration is invalid"),
};

const getConfig = createRoute({
  method: "get",
  path: "/v1/admin/runtime-config",
  operationId: "getRuntimeConfig",
  tags,
  summary: "Current runtime configuration",
  responses: { 200: json(Snapshot, "Snapshot with its revision") },
});

const validateConfig = createRoute({
  method: "post",
  path: "/v1/admin/runtime-config/validate",
  operationId: "validateRuntimeConfig",
  tags,
  summary: "Check a patch without applying it",
  request: { body },
  responses: {
    200: json(z.object({ valid: z.literal(true) }), "The patched configuration would be valid"),
    ...invalid,
    ...errors(413, 415),
  },
});

const patchConfig = createRoute({
  method: "patch",
  path: "/v1/admin/runtime-config",
  operationId: "patchRuntimeConfig",
  tags,
  summary: "Change the runtime configuration",
  description: "Takes effect on the next request. Fails with 409 unless expectedRevision is the current revision.",
  request: { body },
  responses: {
    200: json(PatchResponse, "Applied"),
    ...invalid,
    409: json(AdminError, "Revision mismatch; the body carries currentRevision"),
    503: json(AdminError, "Applying failed and was rolled back"),
    ...errors(413, 415),
  },
});

const respond = ({ status, body: payload }: AdminAnswer) =>
  new Response(JSON.stringify(payload), { status, headers: { "Content-Type": "application/json" } });

export function registerAdminRuntimeConfigRoutes(app: OpenAPIHono, service: RuntimeConfigService): void {
  app.openapi(getConfig, (c) => c.json(service.snapshot(), 200));
  app.openapi(validateConfig, (c) => respond(service.validate(c.req.valid("json"))) as never);
  app.openapi(patchConfig, (c) => respond(service.patch(c.req.valid("json"))) as never);
}
