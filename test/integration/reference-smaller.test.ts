/**
 * The smaller drop-in points of issue 15.7, each decided and pinned here:
 * - `GET /modules/build-metadata` answers the reference module's body;
 * - `FunctionResponse` keeps `command: []` and `env: {}` and the nested scalingConfig nulls, as the
 *   reference's FunctionResponse does (reference control-plane.md §2.3), and omits top-level nulls;
 * - `:invoke` with `application/octet-stream` is a 415 envelope naming the accepted type (the
 *   input is JSON on every path to a pod; raw bytes have no JSON form we could pass on faithfully).
 */
import { describe, expect, test } from "bun:test";
import { jsonRequest, testControlPlane } from "../support/control-plane";

describe("issue 15.7", () => {
  test("GET /modules/build-metadata → the reference module's answer, and it is in the OpenAPI document", async () => {
    const cp = testControlPlane();
    const res = await cp.app.request("/modules/build-metadata");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ module: "build-metadata", status: "enabled" });
    const doc = (await (await cp.app.request("/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain("/modules/build-metadata");
  });

  test("FunctionResponse: command [] and env {} always present, top-level nulls omitted, nested scalingConfig nulls kept", async () => {
    const cp = testControlPlane();
    await cp.app.request(
      "/v1/functions",
      jsonRequest("POST", { name: "plain", executionMode: "LOCAL", image: null, endpointUrl: null }),
    );
    const plain = (await (await cp.app.request("/v1/functions/plain")).json()) as Record<string, unknown>;
    expect(plain.command).toEqual([]);
    expect(plain.env).toEqual({});
    for (const absent of [
      "image",
      "endpointUrl",
      "deploymentBackend",
      "degradationReason",
      "runtimeCommand",
      "scalingConfig",
      "imagePullSecrets",
    ]) {
      expect(plain).not.toHaveProperty(absent);
    }
    await cp.app.request(
      "/v1/functions",
      jsonRequest("POST", { name: "scaled", executionMode: "DEPLOYMENT", endpointUrl: "http://127.0.0.1:9/invoke" }),
    );
    const scaled = (await (await cp.app.request("/v1/functions/scaled")).json()) as {
      scalingConfig: { metrics: Record<string, unknown>[]; concurrencyControl: Record<string, unknown> };
    };
    expect(scaled.scalingConfig.metrics[0]).toEqual({ type: "queue_depth", target: "5", query: null });
    expect(scaled.scalingConfig.concurrencyControl).toMatchObject({ mode: "FIXED", targetInFlightPerPod: null });
  });

  test(":invoke with application/octet-stream → 415 UNSUPPORTED_MEDIA_TYPE naming application/json", async () => {
    const cp = testControlPlane();
    await cp.app.request("/v1/functions", jsonRequest("POST", { name: "echo", executionMode: "LOCAL" }));
    const res = await cp.app.request("/v1/functions/echo:invoke", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({
      error: "UNSUPPORTED_MEDIA_TYPE",
      message: expect.stringContaining("application/json"),
    });
  });
});
