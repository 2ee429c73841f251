/**
 * @module
 * What the ETL example's steps share: the row shape, reading `rows` from an input, and the
 * optional `delayMs` that stands for real work (so the parallel steps visibly overlap).
 */
export interface Row {
  id: number;
  name: string;
  amount: number;
}

export function rowsOf(input: unknown): unknown[] {
  const rows = (input as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows : [];
}

/** Waits `delayMs` (0–5000) when the input asks for it. */
export async function work(input: unknown): Promise<void> {
  const ms = Number((input as { delayMs?: unknown } | null)?.delayMs ?? 0);
  if (ms > 0) await Bun.sleep(Math.min(ms, 5000));
}
