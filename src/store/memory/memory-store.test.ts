import { coreRowsContract } from "../core-rows.contract";
import type { StateStore } from "../state-store";
import { describeStateStoreContract } from "../state-store.contract";
import { createMemoryStore } from "./memory-store";

// A restart of the memory store is modelled as "the same object": what the contract checks is the
// rows' behaviour; that nothing survives a real restart is the point of `memory`.
coreRowsContract("memory", {
  open: async () => createMemoryStore(),
  reopen: async (store: StateStore) => store,
});

describeStateStoreContract("memory", { create: async () => createMemoryStore() });
