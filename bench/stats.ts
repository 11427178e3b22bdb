// Percentiles and a printable row for the runtime benchmarks.

export interface BenchRow {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] ?? 0;
}

export function formatRows(rows: readonly BenchRow[]): string {
  const lines = ['| case | requests | req/s | p50 ms | p99 ms |', '|---|---:|---:|---:|---:|'];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${row.requests} | ${Math.round(row.requestsPerSecond)} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}
