/**
 * @module
 * etl-transform: trims and title-cases names and turns amounts into numbers. Input
 * `{"rows": [...], "delayMs"?: number}`; output `{"rows": [{id, name, amount}], "total"}`.
 */
import type { Handler } from "../../../runtimes/bun/src/sdk.ts";
import { type Row, rowsOf, work } from "./rows.ts";

const titleCase = (text: string) =>
  text
    .trim()
    .split(/\s+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join(" ");

const handler: Handler = async ({ input }) => {
  await work(input);
  const rows: Row[] = rowsOf(input).map((raw) => {
    const row = raw as { id?: unknown; name?: unknown; amount?: unknown };
    return { id: Number(row.id), name: titleCase(String(row.name ?? "")), amount: Number(row.amount) };
  });
  const total =
    Math.round(rows.reduce((sum, row) => sum + (Number.isFinite(row.amount) ? row.amount : 0), 0) * 100) / 100;
  return { rows, total };
};
export default handler;
