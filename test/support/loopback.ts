/**
 * @module
 * Loopback ports for the servers the tools tier starts itself (nats-server, rabbitmq-server): a
 * port free now, and whether something accepts connections on one.
 */

/** A loopback port nothing listens on now (the OS picks it; released before returning). */
export function freePort(): number {
  const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const { port } = listener;
  listener.stop(true);
  return port;
}

/** True when a TCP connection to 127.0.0.1:port succeeds. */
export async function accepting(port: number): Promise<boolean> {
  try {
    const socket = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {} } });
    socket.end();
    return true;
  } catch {
    return false;
  }
}
