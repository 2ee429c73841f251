/** Minimal HTTP function for the benchmark: answers /invoke with the request body as is. */
Bun.serve({
  port: Number(process.env.PORT),
  hostname: "127.0.0.1",
  routes: {
    "/health": () => new Response('{"status":"ok"}'),
    "/invoke": {
      POST: async (req) => new Response(await req.text(), { headers: { "Content-Type": "application/json" } }),
    },
  },
});
