/**
 * @module
 * One payload of a table as a contract case: its input POSTed to a pod's /invoke must be a 200
 * whose body equals `expected`. Framework-free, so the examples' bun:test tables
 * (pod-payloads.ts) and `nanofaas contract payloads URL DIR` check payloads the same way.
 */
import type { ContractCase } from "../../runtimes/contract/cases.ts";
import { expectStatus, same } from "../../runtimes/contract/checks.ts";
import { invoke } from "../../runtimes/contract/client.ts";
import type { Payload } from "./payloads.ts";

export function payloadCase(payload: Payload): ContractCase {
  return {
    name: `${payload.file}: ${payload.description}`,
    group: "payloads",
    async run({ baseUrl, signal }) {
      const reply = await invoke(baseUrl, payload.input, { signal });
      expectStatus(reply, 200);
      same(reply.json, payload.expected, "body");
    },
  };
}
