/**
 * The benchmark pod: a raw `Bun.serve` that speaks the smallest slice of the pod contract
 * (SPEC §2). `POST /invoke` answers 200 with the request body echoed back as JSON (the body is the
 * `{"input","metadata"}` envelope, so the "function" is identity on it); `GET /health` answers 200;
 * `GET /count` answers how many POSTs it has served (the bench's cheap "all executions reached the
 * pod" check, instead of scraping the control plane's metrics in a loop).
 * It is both the ceiling of the run (wrk straight at it) and the upstream of every gateway.
 *
 *   PORT=18080 bun bench/servers/pod.ts
 */
const JSON_TYPE = { "Content-Type": "application/json" };

let served = 0;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  async fetch(request) {
    if (request.method === "POST") {
      served++;
      return new Response(await request.text(), { headers: JSON_TYPE });
    }
    return new Response(request.url.endsWith("/count") ? String(served) : "ok");
  },
});
process.stdout.write(`listening ${server.port}\n`);

export {}; // a module, not a script (its top-level names stay private)
