/**
 * @module
 * `/docs` renders the API reference in a real browser with every other host unreachable: the
 * bundle embedded in the binary is enough, and the page's security policy lets it run. Run by
 * `just test-browser` (part of .ci/run).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Browser, chromium } from "playwright-core";
import { type Served, serveControlPlane, testControlPlane } from "../../test/support/control-plane";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

let browser: Browser;
let served: Served;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  served = serveControlPlane(testControlPlane());
});

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

test("/docs renders the operations offline: no request leaves this server, no CSP violation", async () => {
  const page = await browser.newPage();
  const origin = new URL(served.url).origin;
  const elsewhere: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (msg.text().includes("Content Security Policy")) violations.push(msg.text());
  });
  await page.goto(`${served.url}/docs`);
  // Operation summaries from the document appear in the sidebar only once the reference has rendered it.
  await page.getByText("Register a function", { exact: true }).first().waitFor({ timeout: 30_000 });
  await page.getByRole("heading", { name: "nanofaas API" }).waitFor({ timeout: 5_000 });
  expect({ elsewhere, violations }).toEqual({ elsewhere: [], violations: [] });
  await page.close();
});
