import { describe, expect, test } from "bun:test";
import { Registry } from "prom-client";
import { HealthState } from "./health";
import { createManagementApp } from "./management-app";

describe("NANOFAAS_METRICS_TOKEN", () => {
  const app = createManagementApp({
    health: new HealthState(),
    registry: new Registry(),
    metricsToken: "s3cret-token",
  });

  test("/metrics and /actuator/prometheus need the token; probes stay open", async () => {
    for (const path of ["/metrics", "/actuator/prometheus"]) {
      const refused = await app.request(path);
      expect(refused.status).toBe(401);
      expect(refused.headers.get("www-authenticate")).toStartWith("Bearer");
      expect(await refused.text()).not.toContain("s3cret-token");
      expect((await app.request(path, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
      expect((await app.request(path, { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
    }
    for (const probe of ["/livez", "/readyz", "/actuator/health/liveness"])
      expect((await app.request(probe)).status).not.toBe(401);
  });

  test("without the setting /metrics is open", async () => {
    const open = createManagementApp({ health: new HealthState(), registry: new Registry() });
    expect((await open.request("/metrics")).status).toBe(200);
  });
});
