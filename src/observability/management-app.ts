/**
 * @module
 * The management listener (SPEC §1.14): the reference's actuator paths plus `/livez`, `/readyz` and
 * `/metrics`. Never rate-limited or access-logged; probes are never authenticated, while the
 * metrics paths require `Authorization: Bearer <NANOFAAS_METRICS_TOKEN>` when that is set.
 */
import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { HealthState } from "./health";

export interface ManagementDeps {
  health: HealthState;
  registry: Registry;
  /** NANOFAAS_METRICS_TOKEN: when set, the metrics paths answer 401 without it. */
  metricsToken?: string;
  /** Leader election (issue 20): `/actuator/health` says whether this replica leads, and which it is. */
  leadership?: { isLeader(): boolean; readonly replicaId: string };
}

export function createManagementApp({ health, registry, metricsToken, leadership }: ManagementDeps): Hono {
  const app = new Hono();
  const status = (up: boolean) => ({ status: up ? "UP" : "DOWN" });

  const overall = () => health.live && health.ready;
  app.get("/actuator/health", (c) =>
    c.json(
      {
        ...status(overall()),
        groups: ["liveness", "readiness"],
        ...(leadership && { leader: leadership.isLeader(), replicaId: leadership.replicaId }),
      },
      overall() ? 200 : 503,
    ),
  );
  const liveness = () =>
    new Response(JSON.stringify(status(health.live)), { status: health.live ? 200 : 503, headers: JSON_TYPE });
  const readiness = () =>
    new Response(
      JSON.stringify({ ...status(health.ready), phase: health.phase, store: health.storeHealthy() ? "UP" : "DOWN" }),
      {
        status: health.ready ? 200 : 503,
        headers: JSON_TYPE,
      },
    );
  app.get("/actuator/health/liveness", liveness);
  app.get("/livez", liveness);
  app.get("/actuator/health/readiness", readiness);
  app.get("/readyz", readiness);

  const allowed = metricsToken === undefined ? () => true : bearerMatcher(metricsToken);
  const metrics = async (c: { req: { header(name: string): string | undefined } }) => {
    if (!allowed(c.req.header("authorization"))) return metricsUnauthorized();
    return new Response(await registry.metrics(), { headers: { "Content-Type": registry.contentType } });
  };
  app.get("/actuator/prometheus", metrics);
  app.get("/metrics", metrics);
  app.get("/actuator", (c) =>
    c.json({
      _links: {
        health: { href: "/actuator/health" },
        "health-path": { href: "/actuator/health/{*path}", templated: true },
        prometheus: { href: "/actuator/prometheus" },
      },
    }),
  );
  app.notFound((c) => c.json({ error: "NOT_FOUND", message: `No route for ${c.req.method} ${c.req.path}` }, 404));
  return app;
}

const JSON_TYPE = { "Content-Type": "application/json" };

/** Constant-time check of `Authorization: Bearer <token>`. */
function bearerMatcher(token: string): (header: string | undefined) => boolean {
  const expected = Buffer.from(`Bearer ${token}`);
  return (header) => {
    const given = Buffer.from(header ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

const metricsUnauthorized = () =>
  new Response(
    JSON.stringify({
      error: "UNAUTHENTICATED",
      message: "/metrics needs Authorization: Bearer <NANOFAAS_METRICS_TOKEN>",
    }),
    { status: 401, headers: { ...JSON_TYPE, "WWW-Authenticate": 'Bearer realm="metrics"' } },
  );
