import { deadLetterRowsContract } from "../dead-letter-rows.contract";
import { createMemoryDeadLetterRows } from "./dlq";

deadLetterRowsContract("memory", async () => ({ rows: createMemoryDeadLetterRows(), close: async () => {} }));
