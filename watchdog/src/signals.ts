/**
 * @module
 * SIGTERM/SIGINT handling. As PID 1 in a container a signal without a handler is ignored by the
 * kernel — the reference handled only SIGINT, so Kubernetes waited out the grace period and
 * SIGKILLed it with work in flight. The first signal starts a graceful stop; a second one forces it.
 */
export type ShutdownSignal = "SIGTERM" | "SIGINT";

export interface ShutdownHandlers {
  graceful(signal: ShutdownSignal): void;
  forced(signal: ShutdownSignal): void;
}

/** Installs the handlers; returns a function that removes them. */
export function onShutdownSignals(handlers: ShutdownHandlers): () => void {
  let received = 0;
  const listener = (signal: ShutdownSignal) => {
    received += 1;
    if (received === 1) handlers.graceful(signal);
    else handlers.forced(signal);
  };
  process.on("SIGTERM", listener);
  process.on("SIGINT", listener);
  return () => {
    process.off("SIGTERM", listener);
    process.off("SIGINT", listener);
  };
}
