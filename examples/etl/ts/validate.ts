/**
 * @module
 * etl-validate: checks the extracted rows (an integer id, a name, a non-negative amount). Input
 * `{"rows": [...], "delayMs"?: number}`; output `{"valid": boolean, "problems": string[]}`.
 */
import type { Handler } from "../../../runtimes/bun/src/sdk.ts";
import { rowsOf, work } from "./rows.ts";

const handler: Handler = async ({ input }) => {
  await work(input);
  const problems: string[] = [];
  rowsOf(input).forEach((raw, i) => {
    const row = raw as { id?: unknown; name?: unknown; amount?: unknown };
    if (!Number.isInteger(row.id)) problems.push(`row ${i}: id must be an integer`);
    if (typeof row.name !== "string" || row.name.trim() === "") problems.push(`row ${i}: name is missing`);
    const amount = Number(row.amount);
    if (!Number.isFinite(amount) || amount < 0) problems.push(`row ${i}: amount must be a number ≥ 0`);
  });
  return { valid: problems.length === 0, problems };
};
export default handler;
