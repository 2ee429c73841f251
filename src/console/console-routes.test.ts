import { describe, expect, test } from "bun:test";
import { authedControlPlane } from "../../test/support/auth";
import { testControlPlane } from "../../test/support/control-plane";
import { CONSOLE_ASSETS } from "./assets";
import type { ConsoleAssetLoader } from "./console-routes";

const realAssets: ConsoleAssetLoader = async () => CONSOLE_ASSETS;
const gzipped = { headers: { "accept-encoding": "gzip, br" } };

describe("the web console is served from the embedded bundle", () => {
  const cp = testControlPlane({}, { console: realAssets });

  test("/ redirects to /ui, and /ui/ to /ui", async () => {
    const root = await cp.app.request("/");
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/ui");
    const slash = await cp.app.request("/ui/");
    expect(slash.headers.get("location")).toBe("/ui");
  });

  test("/ui is an HTML shell naming this build's versioned script and style sheet, never cached", async () => {
    const res = await cp.app.request("/ui");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const page = await res.text();
    expect(page).toContain(`<script type="module" src="/ui/assets/app.${CONSOLE_ASSETS.version}.js">`);
    expect(page).toContain(`href="/ui/assets/app.${CONSOLE_ASSETS.version}.css"`);
    // Works offline: nothing is loaded from another origin (the CSP forbids it as well).
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'; script-src 'self'");
  });

  test("the assets are served gzip-compressed when accepted, immutable, and decode to the bundle", async () => {
    const js = await cp.app.request(`/ui/assets/app.${CONSOLE_ASSETS.version}.js`, gzipped);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("content-encoding")).toBe("gzip");
    expect(js.headers.get("cache-control")).toContain("immutable");
    const body = new Uint8Array(await js.arrayBuffer());
    expect(new TextDecoder().decode(Bun.gunzipSync(body))).toBe(CONSOLE_ASSETS.js);
    const plain = await cp.app.request(`/ui/assets/app.${CONSOLE_ASSETS.version}.css`);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(CONSOLE_ASSETS.css);
  });

  test("an unknown or stale asset is a 404 in the error envelope", async () => {
    const res = await cp.app.request("/ui/assets/app.0000.js");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe("NOT_FOUND");
  });

  test("budget: JS + CSS are at most 150 KB gzip-compressed (the size is printed)", () => {
    const js = Bun.gzipSync(CONSOLE_ASSETS.js).length;
    const css = Bun.gzipSync(CONSOLE_ASSETS.css).length;
    console.log(
      `console bundle: js ${CONSOLE_ASSETS.js.length} B (${js} B gzip), css ${CONSOLE_ASSETS.css.length} B (${css} B gzip)`,
    );
    expect(js + css).toBeLessThanOrEqual(150 * 1024);
    // The bundle is real: Preact's renderer and every page are in it.
    for (const page of ["Functions", "Invoke", "Executions", "Dead letters", "Sign in"]) {
      expect(CONSOLE_ASSETS.js).toContain(page);
    }
  });

  test("the bundle imports nothing at run time (no CDN, no other origin)", () => {
    expect(CONSOLE_ASSETS.js).not.toMatch(/\bimport\s*\(?\s*["'`]|from\s*["'`]/);
    expect(CONSOLE_ASSETS.css).not.toMatch(/@import|url\(\s*["']?(https?:)?\/\//);
  });
});

describe("without a console", () => {
  test("/ still leads to the API reference and /ui does not exist", async () => {
    const cp = testControlPlane();
    expect((await cp.app.request("/")).headers.get("location")).toBe("/docs");
    expect((await cp.app.request("/ui")).status).toBe(404);
  });
});

describe("with API keys on", () => {
  test("the shell and its assets are public; the data behind them is not", async () => {
    const { cp, bearer } = authedControlPlane({}, { console: realAssets });
    expect((await cp.app.request("/ui")).status).toBe(200);
    expect((await cp.app.request("/ui/")).status).toBe(301);
    expect((await cp.app.request(`/ui/assets/app.${CONSOLE_ASSETS.version}.js`)).status).toBe(200);
    expect((await cp.app.request("/v1/stats/functions")).status).toBe(401);
    const reader = await bearer(["functions:read"]);
    const stats = await cp.app.request("/v1/stats/functions", { headers: { authorization: reader } });
    expect(stats.status).toBe(200);
  });
});
