/**
 * Compiled-binary start-up reference: a hello-world `Bun.serve` (every GET → 200 "hello"). The
 * bench compiles it with the same `bun build --compile --minify` as the control plane and times
 * exec → first 200 for both.
 */
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  fetch: () => new Response("hello"),
});
process.stdout.write(`listening ${server.port}\n`);

export {}; // a module, not a script (its top-level names stay private)
