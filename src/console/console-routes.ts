/**
 * @module
 * Serves the web console (issue 24, SPEC-platform §8): `GET /ui` answers a small HTML shell, and
 * `GET /ui/assets/app.<version>.js|css` the bundled script and style sheet. The assets come from a
 * loader (main.ts passes the ones embedded in the binary, tests may pass their own); they are
 * loaded on the first request and compressed once. The shell is public: it holds no data, and
 * every API call the page makes carries the API key the user typed (Bearer).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { NanofaasError } from "../domain/errors";
import { errorResponse } from "../api/errors";

export interface ConsoleAssetFiles {
  js: string;
  css: string;
  version: string;
}

export type ConsoleAssetLoader = () => Promise<ConsoleAssetFiles>;

export interface Served {
  type: string;
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

/** A strict policy: nothing but this origin's own script, style and API (no CDN, no inline script). */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function consoleShell(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nanofaas console</title>
<link rel="stylesheet" href="/ui/assets/app.${version}.css">
<script type="module" src="/ui/assets/app.${version}.js"></script>
</head>
<body>
<div id="app"><p class="loading">Loading the nanofaas console…</p></div>
<noscript>The nanofaas console needs JavaScript. The API is documented at <a href="/docs">/docs</a>.</noscript>
</body>
</html>
`;
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function prepare(type: string, text: string): Promise<Served> {
  const body = new TextEncoder().encode(text);
  return { type, body, gzip: await gzip(body) };
}

/** The loaded, compressed files by URL path; built on first use and shared by every request. */
function servedFiles(load: ConsoleAssetLoader): () => Promise<Map<string, Served>> {
  let files: Promise<Map<string, Served>> | undefined;
  return () => {
    files ??= load().then(async (assets) => {
      const v = assets.version;
      return new Map([
        ["/ui", await prepare("text/html; charset=utf-8", consoleShell(v))],
        [`/ui/assets/app.${v}.js`, await prepare("text/javascript; charset=utf-8", assets.js)],
        [`/ui/assets/app.${v}.css`, await prepare("text/css; charset=utf-8", assets.css)],
      ]);
    });
    return files;
  };
}

/** Answers one prepared file: gzip when accepted, cache headers by `immutable`, and the page's CSP. */
export function respond(file: Served, request: Request, immutable: boolean, csp: string = CSP): Response {
  const gzipOk = /\bgzip\b/.test(request.headers.get("accept-encoding") ?? "");
  const headers: Record<string, string> = {
    "Content-Type": file.type,
    // The shell names the current assets, so it is never cached; the assets' names carry their hash.
    "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    Vary: "Accept-Encoding",
  };
  if (gzipOk) headers["Content-Encoding"] = "gzip";
  const body = gzipOk ? file.gzip : file.body;
  return new Response(request.method === "HEAD" ? null : body, { headers });
}

export function registerConsoleRoutes(app: OpenAPIHono, load: ConsoleAssetLoader): void {
  const files = servedFiles(load);
  app.get("/ui", async (c) => respond((await files()).get("/ui")!, c.req.raw, false));
  app.get("/ui/", (c) => c.redirect("/ui", 301));
  app.get("/ui/assets/:file", async (c) => {
    const file = (await files()).get(c.req.path);
    if (file) return respond(file, c.req.raw, true);
    return errorResponse(new NanofaasError("NOT_FOUND", `No console asset ${c.req.path}`));
  });
}
