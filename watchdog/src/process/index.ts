/**
 * @module
 * Process supervision: spawning into process groups, signalling and escalation, output capture and
 * zombie reaping.
 */
export * from "./capture.ts";
export * from "./children.ts";
export * from "./reaper.ts";
