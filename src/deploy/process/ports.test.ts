import { expect, test } from "bun:test";
import { PortAllocator } from "./ports";

test("PortAllocator hands out distinct, bindable ports until they are released", () => {
  const ports = new PortAllocator("127.0.0.1");
  const taken = Array.from({ length: 20 }, () => ports.allocate());
  expect(new Set(taken).size).toBe(20);
  const server = Bun.serve({ hostname: "127.0.0.1", port: taken[0]!, fetch: () => new Response("ok") });
  expect(server.port).toBe(taken[0]!);
  server.stop(true);
  for (const port of taken) ports.release(port);
});
