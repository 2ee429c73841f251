/**
 * @module
 * Circuit breakers in metrics and logs (SPEC-platform §6): `nanofaas_circuit_state{function,version}`
 * (0 CLOSED, 1 OPEN, 2 HALF_OPEN), `nanofaas_circuit_transitions_total{function,version,to}`, and one
 * log line per transition (warn when it opens). A breaker is per version (issue 22).
 */
import { Counter, Gauge, type Registry } from "prom-client";
import type { CircuitTransitionListener } from "../execution/resilience-gates";
import type { CircuitState } from "../resilience/circuit-breaker";
import type { Logger } from "./logger";

const STATE_VALUE: Record<CircuitState, number> = { CLOSED: 0, OPEN: 1, HALF_OPEN: 2 };

export type CircuitTransitionRecorder = CircuitTransitionListener;

export function createCircuitRecorder(registry: Registry, logger: Logger): CircuitTransitionRecorder {
  const state = new Gauge({
    name: "nanofaas_circuit_state",
    help: "Circuit breaker state per function: 0 CLOSED, 1 OPEN, 2 HALF_OPEN (only functions with a breaker)",
    labelNames: ["function", "version"] as const,
    registers: [registry],
  });
  const transitions = new Counter({
    name: "nanofaas_circuit_transitions_total",
    help: "Circuit breaker transitions per function and target state",
    labelNames: ["function", "version", "to"] as const,
    registers: [registry],
  });
  return (fn, from, to, reason, version) => {
    const labels = version === undefined ? { function: fn } : { function: fn, version: String(version) };
    state.set(labels, STATE_VALUE[to]);
    transitions.inc({ ...labels, to });
    const line = { function: fn, version, from, to, reason };
    const which = version === undefined ? fn : `${fn} v${version}`;
    if (to === "OPEN") logger.warn(line, `circuit of ${which} opened`);
    else logger.info(line, `circuit of ${which} is ${to}`);
  };
}
