/**
 * The floor any Bun gateway pays: a minimal keep-alive forwarder. Every POST is read, sent to
 * `UPSTREAM` with the global `fetch` (keep-alive by default) and the upstream's body is answered
 * back. No routing, no validation, no timeout, no ids — nothing but one server exchange and one
 * client exchange per request.
 *
 *   UPSTREAM=http://127.0.0.1:18080/invoke PORT=18081 bun bench/servers/forwarder.ts
 */
const upstream = process.env.UPSTREAM ?? "http://127.0.0.1:18080/invoke";
const JSON_TYPE = { "Content-Type": "application/json" };

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  async fetch(request) {
    const body = await request.text();
    const response = await fetch(upstream, { method: "POST", headers: JSON_TYPE, body });
    return new Response(await response.text(), { status: response.status, headers: JSON_TYPE });
  },
});
process.stdout.write(`listening ${server.port}\n`);

export {}; // a module, not a script (its top-level names stay private)
