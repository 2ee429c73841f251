/** Baseline for start-up: a compiled hello-world Bun server (SPEC §3 compares against it). */
Bun.serve({ port: Number(process.env.PORT), fetch: () => new Response("hello") });
