/** Display helpers: times, durations, percentages and JSON. */
export const pretty = (value: unknown) => (value === undefined ? "" : JSON.stringify(value, null, 2));

export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function duration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return "—";
  return ms(new Date(toIso).getTime() - new Date(fromIso).getTime());
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value < 1000 ? `${Math.round(value * 10) / 10} ms` : `${(value / 1000).toFixed(2)} s`;
}

export const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;
