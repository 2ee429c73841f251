/**
 * Builds a real control plane for tests (real registry, engine and dispatchers), optionally served
 * on an ephemeral port.
 */
import { loadConfig } from "../../src/config/config";
import { type ControlPlane, type ControlPlaneOptions, createControlPlane } from "../../src/control-plane";

export function testControlPlane(
  env: Record<string, string> = {},
  options: Partial<ControlPlaneOptions> = {},
): ControlPlane {
  return createControlPlane(loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none", ...env }), {
    version: "test",
    ...options,
  });
}

export interface Served {
  cp: ControlPlane;
  url: string;
  stop(): Promise<void>;
}

export function serveControlPlane(cp: ControlPlane): Served {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: cp.fetch, idleTimeout: 0 });
  return { cp, url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

export const jsonRequest = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
