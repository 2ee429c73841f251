/**
 * @module
 * Serves the API reference (SPEC-platform §8) without the internet: `GET /docs` answers a small HTML
 * page naming only this origin's URLs, `GET /docs/assets/…` the reference UI's standalone bundle
 * embedded in the binary (docs/assets.ts) and the script that starts it on /openapi.json. The
 * bundle is loaded on the first /docs request and compressed once (the console's helpers).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { NanofaasError } from "../domain/errors";
import { errorResponse } from "../api/errors";
import { prepare, respond, type Served } from "../console/console-routes";
import type { ApiReferenceAssets } from "./bundle";

export type ApiReferenceLoader = () => Promise<ApiReferenceAssets>;

/** The bundle is loaded when first needed: importing it costs a 5 MB string. */
export const embeddedApiReference: ApiReferenceLoader = () => import("./assets").then((m) => m.API_REFERENCE_ASSETS);

/**
 * Nothing but this origin: the page cannot reach a CDN or a font service even if the bundle tried.
 * The reference injects its styles at run time, hence 'unsafe-inline' for styles only.
 */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Started from a file rather than inline, so the CSP needs no 'unsafe-inline' for scripts. */
const START_SCRIPT = `Scalar.createApiReference("#app", { url: "/openapi.json", withDefaultFonts: false });\n`;

export function docsPage(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nanofaas API</title>
</head>
<body>
<div id="app"></div>
<script src="/docs/assets/api-reference.${version}.js"></script>
<script src="/docs/assets/start.${version}.js"></script>
<noscript>The API reference needs JavaScript. The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body>
</html>
`;
}

function servedFiles(load: ApiReferenceLoader): () => Promise<Map<string, Served>> {
  let files: Promise<Map<string, Served>> | undefined;
  return () => {
    files ??= load().then(async ({ js, version: v }) => {
      const script = "text/javascript; charset=utf-8";
      return new Map([
        ["/docs", await prepare("text/html; charset=utf-8", docsPage(v))],
        [`/docs/assets/api-reference.${v}.js`, await prepare(script, js)],
        [`/docs/assets/start.${v}.js`, await prepare(script, START_SCRIPT)],
      ]);
    });
    return files;
  };
}

export function registerDocsRoutes(app: OpenAPIHono, load: ApiReferenceLoader): void {
  const files = servedFiles(load);
  app.get("/docs", async (c) => respond((await files()).get("/docs")!, c.req.raw, false, CSP));
  app.get("/docs/assets/:file", async (c) => {
    const file = (await files()).get(c.req.path);
    if (file) return respond(file, c.req.raw, true, CSP);
    return errorResponse(new NanofaasError("NOT_FOUND", `No API reference asset ${c.req.path}`));
  });
}
