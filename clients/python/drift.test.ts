/**
 * Drift test of the hand-written Python client (clients/python): every operation it covers
 * (nanofaas_client/operations.json, from which it builds its requests) still has that operationId,
 * method, path, path parameters, required body fields, headers and success status in
 * openapi/openapi.json. The check is also run on altered copies of the document, so it cannot pass
 * by checking nothing.
 */
import { describe, expect, test } from "bun:test";
import { type CoveredOperation, coveredOperations, driftOf, type OpenApiDoc } from "./drift";

const doc = (await Bun.file(new URL("../../openapi/openapi.json", import.meta.url)).json()) as OpenApiDoc;
const covered = coveredOperations(await Bun.file(new URL("./nanofaas_client/operations.json", import.meta.url)).json());
/** A fresh copy of the document to alter. */
const copy = (): OpenApiDoc => structuredClone(doc);

describe("the Python client against openapi/openapi.json", () => {
  test("covers the operations it claims, and none has drifted", () => {
    expect(Object.keys(covered).sort()).toEqual([
      "deleteFunction",
      "enqueueInvocation",
      "getExecution",
      "getFunction",
      "invokeFunction",
      "listFunctions",
      "registerFunction",
    ]);
    expect(driftOf(covered, doc)).toEqual([]);
  });
});

describe("the drift check finds", () => {
  const invokePath = "/v1/functions/{name}:invoke";
  const only = (id: string): Record<string, CoveredOperation> => ({ [id]: covered[id]! });

  test("a renamed path and a removed operationId", () => {
    const moved = copy();
    moved.paths["/v2/functions/{name}:invoke"] = moved.paths[invokePath]!;
    delete moved.paths[invokePath];
    expect(driftOf(only("invokeFunction"), moved)).toEqual([
      'invokeFunction: path: the client has "/v1/functions/{name}:invoke", the API "/v2/functions/{name}:invoke"',
    ]);
    const renamed = copy();
    renamed.paths[invokePath]!.post!.operationId = "runFunction";
    expect(driftOf(only("invokeFunction"), renamed)).toEqual([
      "invokeFunction: no operation with this operationId in openapi.json",
    ]);
  });

  test("another method", () => {
    const changed = copy();
    changed.paths["/v1/functions/{name}"]!.put = changed.paths["/v1/functions/{name}"]!.delete!;
    delete changed.paths["/v1/functions/{name}"]!.delete;
    expect(driftOf(only("deleteFunction"), changed)).toEqual([
      'deleteFunction: method: the client has "DELETE", the API "PUT"',
    ]);
  });

  test("a new required body field, a new required header, a header no longer taken", () => {
    const changed = copy();
    changed.components!.schemas!.InvocationRequest!.required = ["input", "priority"];
    const op = changed.paths[invokePath]!.post!;
    op.parameters = [
      ...(op.parameters ?? []).filter((p) => p.name !== "x-timeout-ms"),
      { name: "x-tenant", in: "header", required: true },
    ];
    expect(driftOf(only("invokeFunction"), changed)).toEqual([
      'invokeFunction: required body fields: the client has ["input"], the API ["input","priority"]',
      "invokeFunction: sends header x-timeout-ms, which the API no longer takes",
      "invokeFunction: the API now requires header parameter x-tenant, which the client does not send",
    ]);
  });

  test("another success status", () => {
    const changed = copy();
    const responses = changed.paths["/v1/functions/{name}:enqueue"]!.post!.responses!;
    responses["200"] = responses["202"];
    delete responses["202"];
    expect(driftOf(only("enqueueInvocation"), changed)).toEqual([
      expect.stringMatching(/^enqueueInvocation: success status 202 is not among the API's \(.*200/),
    ]);
  });
});
