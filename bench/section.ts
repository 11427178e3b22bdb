// What a benchmark section hands to bench/run.ts: a table for the markdown, the raw numbers for the JSON.
export interface BenchSection {
  title: string;
  /** One row per measurement; the first row's keys are the table's columns. */
  rows: Array<Record<string, string | number>>;
  /** What was measured and how, printed under the table. */
  notes: string[];
}

export function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { p50: at(0.5), p99: at(0.99), mean };
}

export const ms = (value: number) => Math.round(value * 1000) / 1000;
