/**
 * @module
 * Turns the side-by-side samples into per-target medians and ratios, checks them against SPEC §3,
 * and prints the table. Ratios are computed within each round (the targets of one round ran
 * seconds apart, on the same machine state) and the median over rounds is reported with its range.
 */
import type { Sample } from "./http";
import { max, median, min, round } from "./lib/stats";

export interface TargetSummary {
  id: string;
  rps: number;
  /** Accepted executions per second until all were terminal (enqueue only). */
  terminalRps?: number;
  p50Us: number;
  p99Us: number;
  gatewayCpuUs: number;
  podCpuUs: number;
  loadgenCpuUs: number;
  errors: number;
}

export interface Ratio {
  name: string;
  value: number;
  range: [number, number];
  /** SPEC §3 target, when there is one. */
  target?: string;
  pass?: boolean;
}

const summary = (samples: Sample[], id: string): TargetSummary | undefined => {
  const mine = samples.filter((s) => s.id === id);
  if (mine.length === 0) return undefined;
  const m = (f: (s: Sample) => number) => round(median(mine.map(f)), 1);
  return {
    id,
    rps: Math.round(median(mine.map((s) => s.rps))),
    terminalRps: mine[0]!.settledRps === undefined ? undefined : Math.round(median(mine.map((s) => s.settledRps!))),
    p50Us: m((s) => s.p50Us),
    p99Us: m((s) => s.p99Us),
    gatewayCpuUs: m((s) => s.gatewayCpuUs),
    podCpuUs: m((s) => s.podCpuUs),
    loadgenCpuUs: m((s) => s.loadgenCpuUs),
    errors: mine.reduce((t, s) => t + s.statusErrors + s.socketErrors, 0),
  };
};

export function summarise(samples: Sample[]): TargetSummary[] {
  const ids = [...new Set(samples.map((s) => s.id))];
  return ids.map((id) => summary(samples, id)!).filter(Boolean);
}

/** Per-round values of f(a) op f(b), for rounds where both ran. */
function perRound(samples: Sample[], a: string, b: string, f: (x: Sample, y: Sample) => number): number[] {
  const out: number[] = [];
  for (const x of samples.filter((s) => s.id === a)) {
    const y = samples.find((s) => s.id === b && s.round === x.round);
    if (y) out.push(f(x, y));
  }
  return out;
}

function ratio(
  name: string,
  values: number[],
  digits = 2,
  target?: { text: string; ok: (v: number) => boolean },
): Ratio | undefined {
  if (values.length === 0) return undefined;
  const value = round(median(values), digits);
  return {
    name,
    value,
    range: [round(min(values), digits), round(max(values), digits)],
    target: target?.text,
    pass: target?.ok(value),
  };
}

export function ratios(latency: Sample[], throughput: Sample[]): Ratio[] {
  const div = (k: keyof Sample) => (x: Sample, y: Sample) => (x[k] as number) / (y[k] as number);
  const sub = (k: keyof Sample) => (x: Sample, y: Sample) => (x[k] as number) - (y[k] as number);
  const out: (Ratio | undefined)[] = [
    ratio("throughput nanofaas ÷ forwarder", perRound(throughput, "nanofaas", "forwarder", div("rps")), 2, {
      text: "≥ 0.75",
      ok: (v) => v >= 0.75,
    }),
    ratio("throughput nanofaas ÷ nginx", perRound(throughput, "nanofaas", "nginx", div("rps")), 2, {
      text: "≥ 0.5",
      ok: (v) => v >= 0.5,
    }),
    ratio("throughput forwarder ÷ pod", perRound(throughput, "forwarder", "pod", div("rps"))),
    ratio("throughput nginx ÷ pod", perRound(throughput, "nginx", "pod", div("rps"))),
    ratio("throughput nanofaas ÷ pod", perRound(throughput, "nanofaas", "pod", div("rps"))),
    ratio("throughput nanofaas (access log) ÷ nanofaas", perRound(throughput, "nanofaas-log", "nanofaas", div("rps"))),
    ratio(":enqueue accepted ÷ pod", perRound(throughput, "enqueue", "pod", div("rps"))),
    ratio(
      ":enqueue → terminal ÷ nanofaas :invoke",
      perRound(throughput, "enqueue", "nanofaas", (x, y) => x.settledRps! / y.rps),
    ),
    ratio("gateway CPU/req nanofaas ÷ forwarder", perRound(throughput, "nanofaas", "forwarder", div("gatewayCpuUs"))),
    ratio("gateway CPU/req nanofaas ÷ nginx", perRound(throughput, "nanofaas", "nginx", div("gatewayCpuUs"))),
    ratio("added p50 µs at c=1, nanofaas − pod", perRound(latency, "nanofaas", "pod", sub("p50Us")), 0, {
      text: "≤ 150",
      ok: (v) => v <= 150,
    }),
    ratio("added p99 µs at c=1, nanofaas − pod", perRound(latency, "nanofaas", "pod", sub("p99Us")), 0, {
      text: "≤ 1000",
      ok: (v) => v <= 1000,
    }),
    ratio("added p50 µs at c=1, forwarder − pod", perRound(latency, "forwarder", "pod", sub("p50Us")), 0),
    ratio("added p50 µs at c=1, nginx − pod", perRound(latency, "nginx", "pod", sub("p50Us")), 0),
    ratio("p50 at c=1 nanofaas ÷ forwarder", perRound(latency, "nanofaas", "forwarder", div("p50Us"))),
  ];
  return out.filter((r): r is Ratio => r !== undefined);
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function formatTargets(lat: TargetSummary[], thr: TargetSummary[], connections: number): string {
  const lines = [
    `target          c=${connections} rps   terminal/s  gw CPU µs/req  pod CPU µs/req   c=1 p50 µs  c=1 p99 µs  c=1 gw CPU µs/req`,
  ];
  for (const t of thr) {
    const l = lat.find((x) => x.id === t.id);
    lines.push(
      `${t.id.padEnd(14)} ${pad(t.rps, 10)} ${pad(t.terminalRps ?? "", 12)} ${pad(t.gatewayCpuUs || "", 14)} ${pad(t.podCpuUs, 15)} ${pad(l?.p50Us ?? "", 12)} ${pad(l?.p99Us ?? "", 11)} ${pad(l?.gatewayCpuUs || "", 18)}` +
        (t.errors ? `  (${t.errors} errors)` : ""),
    );
  }
  return lines.join("\n");
}

export function formatRatios(rs: Ratio[]): string {
  return rs
    .map((r) => {
      const verdict = r.pass === undefined ? "" : r.pass ? `  PASS (SPEC ${r.target})` : `  FAIL (SPEC ${r.target})`;
      return `${r.name.padEnd(44)} ${pad(r.value, 8)}   [${r.range[0]} … ${r.range[1]}]${verdict}`;
    })
    .join("\n");
}
