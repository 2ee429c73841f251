/**
 * @module
 * Chain metrics (issue 23): `nanofaas_chain_steps_total{function, next, outcome}`, one count per
 * ended execution of a function with a chain. Outcomes: `started` (next accepted), `stopped` (it
 * failed and onError is stop), `too_deep` (NANOFAAS_MAX_CHAIN_DEPTH reached), `next_missing` (no
 * such function), `refused` (next's admission said no: queue full, rate limit, store unavailable…).
 */
import { Counter, type Registry } from "prom-client";

export type ChainOutcome = "started" | "stopped" | "too_deep" | "next_missing" | "refused";

export interface ChainMetrics {
  step(fn: string, next: string, outcome: ChainOutcome): void;
}

export function createChainMetrics(registry: Registry): ChainMetrics {
  const steps = new Counter({
    name: "nanofaas_chain_steps_total",
    help: "Ended executions of chained functions, by function, next function and what the chain did",
    labelNames: ["function", "next", "outcome"] as const,
    registers: [registry],
  });
  return { step: (fn, next, outcome) => steps.inc({ function: fn, next, outcome }) };
}
