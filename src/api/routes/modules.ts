/**
 * @module
 * `GET /modules/build-metadata`: the reference's optional build-metadata module answered
 * `{"module":"build-metadata","status":"enabled"}` (reference control-plane.md §1), and its
 * tooling probes it to see that the control plane is up with all modules. Every feature is built
 * in here, so the answer is always the same; the build itself is `nanofaas_build_info` (metrics).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { json } from "../openapi-helpers";

const BuildMetadata = z
  .object({ module: z.literal("build-metadata"), status: z.literal("enabled") })
  .meta({ id: "BuildMetadata" });

const buildMetadata = createRoute({
  method: "get",
  path: "/modules/build-metadata",
  operationId: "getBuildMetadata",
  tags: ["modules"],
  summary: "The reference's build-metadata module probe",
  responses: { 200: json(BuildMetadata, "Always enabled: every module of the reference is built in") },
});

export function registerModuleRoutes(app: OpenAPIHono): void {
  app.openapi(buildMetadata, (c) => c.json({ module: "build-metadata" as const, status: "enabled" as const }, 200));
}
