/**
 * @module
 * Runs an example's payload table through a running pod of it (any runtime): each payload's input
 * is POSTed to /invoke, and the 200 body must equal `expected`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { POD_HOOK_TIMEOUT_MS, type ProcessPod } from "../../runtimes/contract/process-pod.ts";
import { payloadCase } from "./payload-case.ts";
import { type Family, loadPayloads } from "./payloads.ts";

export function describePodPayloads(label: string, family: Family, startPod: () => Promise<ProcessPod>): void {
  describe(`${family} (${label}) payload table`, () => {
    let pod: ProcessPod | undefined;
    beforeAll(async () => {
      pod = await startPod();
    }, 180_000);
    afterAll(() => pod?.stop(), POD_HOOK_TIMEOUT_MS);

    const payloads = loadPayloads(family);
    test("has payloads", () => {
      expect(payloads.length).toBeGreaterThanOrEqual(8);
    });
    for (const payloadTest of payloads.map(payloadCase))
      test(payloadTest.name, () => payloadTest.run({ baseUrl: pod!.baseUrl, options: {} }));
  });
}
