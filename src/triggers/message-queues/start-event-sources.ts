/**
 * @module
 * Wires the message-queue consumers into a running control plane (main.ts, after start-up
 * recovery): metrics, the lifecycle listener, and the consumers of the functions already there.
 */
import type { Registry } from "prom-client";
import type { InvocationEngine } from "../../execution/engine";
import type { Logger } from "../../observability/logger";
import type { FunctionService } from "../../registry/function-service";
import type { TriggerActivity } from "../trigger-activity";
import { createEventSourceMetrics } from "./event-source-metrics";
import { EventSourceConsumers } from "./event-source-consumers";
import type { TerminalWaiter } from "./terminal-waiter";

/** The parts of a control plane the consumers use (named here: triggers sit below control-plane.ts). */
export interface EventSourceHost {
  engine: InvocationEngine;
  functions: FunctionService;
  metricsRegistry: Registry;
  logger: Logger;
  triggerActivity?: TriggerActivity;
}

export function startEventSources(
  cp: EventSourceHost,
  waiter: TerminalWaiter,
  env: (name: string) => string | undefined,
): EventSourceConsumers {
  waiter.attach(cp.engine);
  const consumers = new EventSourceConsumers({
    invoker: cp.engine,
    waiter,
    queues: () => cp.engine.queueStats(),
    metrics: createEventSourceMetrics(cp.metricsRegistry),
    activity: cp.triggerActivity,
    logger: cp.logger,
    env,
  });
  cp.functions.addListener(consumers);
  for (const fn of cp.functions.list()) consumers.onRegistered(fn);
  return consumers;
}
