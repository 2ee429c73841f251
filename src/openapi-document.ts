/**
 * @module
 * The OpenAPI document of a default-configured control plane, as served at `/openapi.json`.
 * Used by `just openapi` and by the drift test; the version is pinned so the file does not change
 * with every release.
 */
import { openApiDocument } from "./app";
import { loadConfig } from "./config/config";
import { createControlPlane } from "./control-plane";

export const OPENAPI_DOC_VERSION = "v1";

export async function buildOpenApiDocument(): Promise<unknown> {
  const cp = createControlPlane(loadConfig({ NANOFAAS_ADMIN_RUNTIME_CONFIG_ENABLED: "true" }), {
    version: OPENAPI_DOC_VERSION,
  });
  return openApiDocument(cp.app);
}
