/**
 * @module
 * etl-extract: the first step of the ETL example workflow (docs/workflows.md). Input
 * `{"source"?: string, "rows"?: [...]}`: the rows given, else three sample rows of the source.
 * Output `{"source", "rows": [{id, name, amount}]}`.
 */
import type { Handler } from "../../../runtimes/bun/src/sdk.ts";
import { rowsOf } from "./rows.ts";

const SAMPLE = [
  { id: 1, name: "  ada lovelace ", amount: "12.50" },
  { id: 2, name: "alan turing", amount: "7" },
  { id: 3, name: "grace hopper", amount: "30.25" },
];

const handler: Handler = ({ input }) => {
  const source = (input as { source?: unknown } | null)?.source;
  const given = rowsOf(input);
  return { source: typeof source === "string" ? source : "sample", rows: given.length > 0 ? given : SAMPLE };
};
export default handler;
