/**
 * @module
 * Free loopback ports for replicas. We bind port 0, read the port the kernel chose and close the
 * socket before the child binds it. Between the two another program may take the port; the child
 * then fails to bind and exits (or never becomes healthy), which the replica treats like any
 * crash: it restarts on a freshly allocated port. Ports our own live replicas hold are skipped, so
 * two replicas of this control plane never race each other for one port.
 */

const MAX_ATTEMPTS = 20;

export class PortAllocator {
  private readonly held = new Set<number>();

  constructor(private readonly hostname: string) {}

  /** A port that was free a moment ago and is not held by another replica; call `release` later. */
  allocate(): number {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const listener = Bun.listen({ hostname: this.hostname, port: 0, socket: { data() {} } });
      const { port } = listener;
      listener.stop(true);
      if (!this.held.has(port)) {
        this.held.add(port);
        return port;
      }
    }
    throw new Error(`no free port on ${this.hostname} after ${MAX_ATTEMPTS} attempts`);
  }

  release(port: number): void {
    this.held.delete(port);
  }
}
