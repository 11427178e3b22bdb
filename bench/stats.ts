// Shared by the runtime benchmarks: one measured case, and the section shape bench/run.ts prints and saves.

/** A type alias, not an interface, so that it fits bench/run.ts's `Record<string, string | number>` rows. */
export type BenchRow = {
  case: string;
  requests: number;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
};

export interface RuntimeBenchSection {
  title: string;
  rows: BenchRow[];
  notes: string[];
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] ?? 0;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function formatSection(section: RuntimeBenchSection): string {
  const lines = [
    `# ${section.title}`,
    '',
    '| case | requests | req/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const row of section.rows) {
    lines.push(`| ${row.case} | ${row.requests} | ${row['req/s']} | ${row['p50 ms']} | ${row['p99 ms']} |`);
  }
  lines.push('', ...section.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}
