/**
 * @module
 * The few assertions the contract cases need, free of any test framework (the CLI runs the cases
 * too): each throws `ContractViolation` with one line a runtime author can act on.
 */
import { isDeepStrictEqual } from "node:util";
import type { PodReply } from "./client.ts";

/** A broken promise of the contract, said in one line for a person. */
export class ContractViolation extends Error {
  override name = "ContractViolation";
}

export function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new ContractViolation(message);
}

const show = (value: unknown): string => (value === undefined ? "nothing" : JSON.stringify(value));

export function same(actual: unknown, expected: unknown, what: string): void {
  check(isDeepStrictEqual(actual, expected), `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function expectStatus(reply: PodReply, status: number): void {
  check(
    reply.status === status,
    `expected status ${status}, got ${reply.status} with body ${reply.text.slice(0, 200)}`,
  );
}

/** `{"error": {"code", "message"}}` with exactly these keys, as JSON, under `status`. */
export function expectError(reply: PodReply, status: number, code: string): void {
  expectStatus(reply, status);
  const type = reply.headers.get("content-type") ?? "";
  check(type.startsWith("application/json"), `expected Content-Type application/json, got '${type}'`);
  const error = (reply.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  same(Object.keys((reply.json as object | undefined) ?? {}), ["error"], "keys of the error body");
  same(Object.keys(error ?? {}).sort(), ["code", "message"], "keys of error");
  same(error?.code, code, "error.code");
  check(typeof error?.message === "string", `error.message must be a string, got ${show(error?.message)}`);
}
