import { describe, expect, test } from "bun:test";
import { testControlPlane } from "../../test/support/control-plane";
import { API_REFERENCE_ASSETS } from "./assets";

describe("/docs is served offline from the embedded API reference bundle", () => {
  const cp = testControlPlane({});
  const v = API_REFERENCE_ASSETS.version;

  test("the page names only this origin's URLs (no CDN)", async () => {
    const res = await cp.app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).toContain(`<script src="/docs/assets/api-reference.${v}.js">`);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  test("the bundle is served gzipped with immutable cache headers, and it is the real Scalar bundle", async () => {
    const res = await cp.app.request(`/docs/assets/api-reference.${v}.js`, { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/javascript");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(API_REFERENCE_ASSETS.js.length).toBeGreaterThan(1_000_000);
    expect(API_REFERENCE_ASSETS.js).toContain("createApiReference");
    const start = await (await cp.app.request(`/docs/assets/start.${v}.js`)).text();
    expect(start).toContain('Scalar.createApiReference("#app"');
  });

  test("an unknown asset is a 404 in the error envelope", async () => {
    const res = await cp.app.request("/docs/assets/api-reference.0000.js");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe("NOT_FOUND");
  });
});
