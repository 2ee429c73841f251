import { expect, test } from "bun:test";
import { readState, writeSampleState } from "../../test/support/sample-state";
import { copyStateStore } from "./copy-store";
import { createMemoryStore } from "./memory/memory-store";

test("a copy holds every row of the source; expired idempotency keys stay behind", async () => {
  const from = createMemoryStore();
  await writeSampleState(from, 1_234);
  const to = createMemoryStore();
  const counts = await copyStateStore(from, to, 1_000);
  expect(counts).toEqual({
    functions: 2,
    executions: 1_234,
    idempotencyKeys: 1,
    deadLetters: 1,
    apiKeys: 1,
    auditEvents: 3,
  });
  await to.executions.flush();
  expect(await readState(to)).toEqual(await readState(from));
});

test("a copy into a store that holds anything is refused before writing", async () => {
  const from = createMemoryStore();
  await writeSampleState(from, 3);
  const to = createMemoryStore();
  await to.apikeys.put({
    id: "k",
    name: "n",
    prefix: "p",
    keySha256: "0".repeat(64),
    scopes: [],
    tenant: "t",
    createdAt: 1,
    expiresAt: null,
  });
  await expect(copyStateStore(from, to)).rejects.toThrow("the target store is not empty (it holds API keys)");
  expect(await to.functions.loadAll()).toEqual([]);
});
