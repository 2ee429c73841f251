/**
 * Writes openapi/openapi.json from the code (`just openapi`). A test fails when the committed file
 * drifts from what the app serves.
 */
import { buildOpenApiDocument } from "../src/openapi-document";

const path = new URL("../openapi/openapi.json", import.meta.url).pathname;
await Bun.write(path, `${JSON.stringify(await buildOpenApiDocument(), null, 2)}\n`);
console.log(`wrote ${path}`);
