/** Regenerates the settings table in docs/configuration.md (between the marker comments). */
import { renderConfigTable } from "../src/config/config-docs";

const path = new URL("../docs/configuration.md", import.meta.url).pathname;
const text = await Bun.file(path).text();
const updated = text.replace(
  /(<!-- settings:begin -->\n)[\s\S]*?(\n<!-- settings:end -->)/,
  `$1${renderConfigTable()}$2`,
);
await Bun.write(path, updated);
console.log(`updated ${path}`);
