/**
 * @module
 * The "features" table of `just bench` (issue 27): one row per feature of the platform, its
 * throughput with the feature on ÷ the plain configuration's, taken within each round (the two ran
 * seconds apart on the same machine) and reported as the median over rounds with its range, against
 * the feature's budget. A feature this build does not have gets a row that says so and no number.
 */
import type { Sample } from "./http";
import { max, median, min, round } from "./lib/stats";

/** What one row compares: `target` (feature on) against `baseline` (plain), by accepted requests/s. */
export interface FeatureRowSpec {
  feature: string;
  measure: "sync :invoke" | ":enqueue accepted";
  /** Target id of the run with the feature on. */
  target: string;
  /** Target id of the plain run it is divided by. */
  baseline: string;
  /** Smallest acceptable ratio (issue 27). */
  budget: number;
  /** Set when this build lacks (part of) the feature: the row has no number and no verdict. */
  notBuilt?: string;
  /** What exactly was switched on, e.g. which parts of a compound feature. */
  note?: string;
}

export interface FeatureRow extends FeatureRowSpec {
  /** Median of the per-round ratios; absent when not built. */
  ratio?: number;
  range?: [number, number];
  baselineRps?: number;
  targetRps?: number;
  /** Median per-round control-plane CPU per request, on ÷ plain (steadier than req/s on a busy machine). */
  cpuRatio?: number;
  rounds: number;
  /** undefined when not built. */
  pass?: boolean;
}

/** Accepted requests per second of one wrk run (429s and 5xx are not throughput). */
const acceptedRps = (s: Sample) => (s.requests === 0 ? 0 : (s.rps * (s.requests - s.statusErrors)) / s.requests);

export function featureRows(specs: readonly FeatureRowSpec[], samples: readonly Sample[]): FeatureRow[] {
  return specs.map((spec) => {
    if (spec.notBuilt !== undefined) return { ...spec, rounds: 0 };
    const ratios: number[] = [];
    const on: number[] = [];
    const off: number[] = [];
    const cpu: number[] = [];
    for (const x of samples.filter((s) => s.id === spec.target)) {
      const y = samples.find((s) => s.id === spec.baseline && s.round === x.round);
      if (!y) continue;
      on.push(acceptedRps(x));
      off.push(acceptedRps(y));
      ratios.push(acceptedRps(x) / acceptedRps(y));
      cpu.push(x.gatewayCpuUs / y.gatewayCpuUs);
    }
    if (ratios.length === 0) throw new Error(`features: no rounds measured both ${spec.target} and ${spec.baseline}`);
    const ratio = round(median(ratios), 3);
    return {
      ...spec,
      ratio,
      range: [round(min(ratios), 3), round(max(ratios), 3)],
      targetRps: Math.round(median(on)),
      baselineRps: Math.round(median(off)),
      cpuRatio: round(median(cpu), 2),
      rounds: ratios.length,
      pass: ratio >= spec.budget,
    };
  });
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function formatFeatureRows(rows: readonly FeatureRow[], connections: number): string {
  const lines = [
    `feature                       measure (c=${connections})      plain/s     on/s   on ÷ plain   [range]          budget  verdict  CPU/req on ÷ plain`,
  ];
  for (const r of rows) {
    const head = `${r.feature.padEnd(29)} ${r.measure.padEnd(20)}`;
    const budget = `≥ ${r.budget}`.padEnd(6);
    if (r.ratio === undefined) {
      lines.push(
        `${head} ${pad("—", 8)} ${pad("—", 8)} ${pad("—", 12)}   ${"".padEnd(16)} ${budget}  ${"—".padEnd(4)}  ${pad("—", 18)}  not built: ${r.notBuilt}`,
      );
      continue;
    }
    const range = `[${r.range![0]} … ${r.range![1]}]`;
    lines.push(
      `${head} ${pad(r.baselineRps!, 8)} ${pad(r.targetRps!, 8)} ${pad(r.ratio.toFixed(3), 12)}   ${range.padEnd(16)} ${budget}  ${r.pass ? "PASS" : "FAIL"}  ${pad(r.cpuRatio!.toFixed(2), 18)}` +
        (r.note ? `  (${r.note})` : ""),
    );
  }
  return lines.join("\n");
}
