/**
 * @module
 * The API reference's browser bundle, embedded as a string constant at bundle time (a Bun macro:
 * see bundle.ts). app.ts imports this lazily, on the first /docs request, so starting the control
 * plane does not pay for the 5 MB string until someone opens the reference.
 */
import { readApiReferenceAssets } from "./bundle" with { type: "macro" };
import type { ApiReferenceAssets } from "./bundle";

export const API_REFERENCE_ASSETS: ApiReferenceAssets = readApiReferenceAssets();
