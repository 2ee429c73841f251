/**
 * @module
 * The pod contract (SPEC §2) as a bun:test suite that any pod must pass: the Bun runtime, the
 * Python runtime, a compiled binary, the watchdog. The pod under test must serve the contract
 * handler (runtimes/contract/README.md), whose behaviour is chosen by `input.op`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type ContractOptions, contractCases } from "./cases.ts";
import { POD_HOOK_TIMEOUT_MS } from "./process-pod.ts";
import { registerCallbackTests, registerLifecycleTests } from "./suite-lifecycle.ts";

export interface ContractPod {
  baseUrl: string;
  /** Stops the pod and resolves once its process (if any) has exited. */
  stop(): Promise<void>;
  /** Sends a signal to the pod process; enables the graceful-shutdown test. */
  signal?(signal: NodeJS.Signals): void;
  exited?: Promise<number>;
  /** Everything the pod wrote so far; enables the structured-log test. */
  output?(): string;
  /** How the pod ended if it exited without being stopped or signalled, else null. */
  diedUnexpectedly?(): string | null;
}

/** Starts a fresh pod serving the contract handler, with `env` added to its environment. */
export type StartPod = (env?: Record<string, string>) => Promise<ContractPod>;

export type { ContractOptions };

export interface SuiteContext {
  pod: () => ContractPod;
  startPod: StartPod;
  options: ContractOptions;
  /** Pods started by the suite; each must be stopped and exited by the end. */
  track(pod: ContractPod): ContractPod;
}

export function runContractSuite(name: string, startPod: StartPod, options: ContractOptions = {}): void {
  describe(`pod contract: ${name}`, () => {
    let main: ContractPod | undefined;
    const started: ContractPod[] = [];
    const ctx: SuiteContext = {
      pod: () => main ?? expect.unreachable("pod not started"),
      startPod,
      options,
      track: (pod) => {
        started.push(pod);
        return pod;
      },
    };
    beforeAll(async () => {
      main = ctx.track(await startPod());
    }, POD_HOOK_TIMEOUT_MS);
    afterAll(async () => {
      const deaths = started.map((pod) => pod.diedUnexpectedly?.() ?? null).filter((d) => d !== null);
      await Promise.all(started.map((pod) => pod.stop()));
      expect(deaths).toEqual([]);
      for (const pod of started) if (pod.exited) expect(await pod.exited).toBeNumber();
    }, POD_HOOK_TIMEOUT_MS);
    registerBasicTests(ctx);
    registerCallbackTests(ctx);
    registerLifecycleTests(ctx);
  });
}

function registerBasicTests(ctx: SuiteContext): void {
  for (const contractCase of contractCases(ctx.options).filter((c) => c.group === "basic"))
    test(contractCase.name, () => contractCase.run({ baseUrl: ctx.pod().baseUrl, options: ctx.options }));
}
