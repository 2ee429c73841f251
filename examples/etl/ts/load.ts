/**
 * @module
 * etl-load: the last step; a stand-in for writing to a database. Input `{"rows": [...], "target"?:
 * string}`; output `{"target", "loaded": <row count>, "ids": [...]}`.
 */
import type { Handler } from "../../../runtimes/bun/src/sdk.ts";
import { rowsOf } from "./rows.ts";

const handler: Handler = ({ input }) => {
  const target = (input as { target?: unknown } | null)?.target;
  const rows = rowsOf(input) as { id?: unknown }[];
  return { target: typeof target === "string" ? target : "warehouse", loaded: rows.length, ids: rows.map((r) => r.id) };
};
export default handler;
