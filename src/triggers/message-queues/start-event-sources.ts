/**
 * @module
 * Wires the message-queue consumers into a running control plane (main.ts, after start-up
 * recovery): metrics, the lifecycle listener, and the consumers of the functions already there.
 */
import type { ControlPlane } from "../../control-plane";
import { createEventSourceMetrics } from "./event-source-metrics";
import { EventSourceConsumers } from "./event-source-consumers";
import type { TerminalWaiter } from "./terminal-waiter";

export function startEventSources(
  cp: Pick<ControlPlane, "engine" | "functions" | "metricsRegistry" | "logger">,
  waiter: TerminalWaiter,
  env: (name: string) => string | undefined,
): EventSourceConsumers {
  waiter.attach(cp.engine);
  const consumers = new EventSourceConsumers({
    invoker: cp.engine,
    waiter,
    queues: () => cp.engine.queueStats(),
    metrics: createEventSourceMetrics(cp.metricsRegistry),
    logger: cp.logger,
    env,
  });
  cp.functions.addListener(consumers);
  for (const fn of cp.functions.list()) consumers.onRegistered(fn);
  return consumers;
}
