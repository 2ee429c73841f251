/**
 * @module
 * Small HTTP helpers for contract tests.
 */
import { Header } from "../../src/contracts/headers.ts";

export interface PodReply {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  ms: number;
}

let counter = 0;
/** A fresh execution id per call, so logs and callbacks of different tests never mix. */
export function newExecutionId(prefix = "exec"): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function call(baseUrl: string, path: string, init: RequestInit = {}): Promise<PodReply> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, ms: performance.now() - started };
}

/** POST /invoke with `{"input": input}` (or a raw string body) and an execution id header. */
export function invoke(
  baseUrl: string,
  input: unknown,
  options: {
    headers?: Record<string, string>;
    rawBody?: string;
    executionId?: string | null;
    /** Aborts the request (the CLI's per-case deadline). */
    signal?: AbortSignal;
  } = {},
): Promise<PodReply> {
  const headers: Record<string, string> = { "Content-Type": "application/json", ...options.headers };
  const executionId = options.executionId === undefined ? newExecutionId() : options.executionId;
  if (executionId !== null) headers[Header.executionId] = executionId;
  const body = options.rawBody ?? JSON.stringify({ input });
  return call(baseUrl, "/invoke", { method: "POST", headers, body, signal: options.signal });
}
