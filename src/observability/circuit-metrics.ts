/**
 * @module
 * Circuit breakers in metrics and logs (SPEC-platform §6): `nanofaas_circuit_state{function}` (0
 * CLOSED, 1 OPEN, 2 HALF_OPEN), `nanofaas_circuit_transitions_total{function, to}`, and one log line
 * per transition (warn when it opens).
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { CircuitState } from "../resilience/circuit-breaker";
import type { Logger } from "./logger";

const STATE_VALUE: Record<CircuitState, number> = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 };

export type CircuitTransitionRecorder = (fn: string, from: CircuitState, to: CircuitState, reason: string) => void;

export function createCircuitRecorder(registry: Registry, logger: Logger): CircuitTransitionRecorder {
  const state = new Gauge({
    name: "nanofaas_circuit_state",
    help: "Circuit breaker state per function: 0 CLOSED, 1 OPEN, 2 HALF_OPEN (only functions with a breaker)",
    labelNames: ["function"] as const,
    registers: [registry],
  });
  const transitions = new Counter({
    name: "nanofaas_circuit_transitions_total",
    help: "Circuit breaker transitions per function and target state",
    labelNames: ["function", "to"] as const,
    registers: [registry],
  });
  return (fn, from, to, reason) => {
    state.set({ function: fn }, STATE_VALUE[to]);
    transitions.inc({ function: fn, to });
    const line = { function: fn, from, to, reason };
    if (to === "OPEN") logger.warn(line, `circuit of ${fn} opened`);
    else logger.info(line, `circuit of ${fn} is ${to}`);
  };
}
