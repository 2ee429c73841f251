/**
 * Run by Deno, not Bun (test/integration/deno-serve.test.ts starts it): builds a control plane
 * exactly as the tests do and serves the app from `createApp(...)` with `Deno.serve` on an
 * ephemeral loopback port, then prints `listening <port>` for the test to connect to.
 */
import { loadConfig } from "../../src/config/config";
import { createControlPlane } from "../../src/control-plane";

declare const Deno: {
  serve(
    options: { port: number; hostname: string; onListen(address: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
};

const cp = createControlPlane(loadConfig({ NANOFAAS_DEPLOYMENT_BACKEND: "none" }), { version: "deno-smoke" });
Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: ({ port }) => console.log(`listening ${port}`) }, (request) =>
  cp.app.fetch(request),
);
