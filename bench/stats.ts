// Percentiles and the rows every benchmark section reports.

export interface BenchRow {
  name: string;
  /** Executions or requests measured. */
  count: number;
  /** Throughput, where the case measures one (executions or requests per second). */
  perSecond?: number;
  p50Ms: number;
  p99Ms: number;
  note?: string;
}

export function percentile(sortedMs: readonly number[], fraction: number): number {
  if (sortedMs.length === 0) return 0;
  const index = Math.min(sortedMs.length - 1, Math.ceil(fraction * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] ?? 0;
}

/** p50/p99 of unsorted latencies (sorted in place). */
export function summarize(latenciesMs: number[]): { count: number; p50Ms: number; p99Ms: number } {
  latenciesMs.sort((a, b) => a - b);
  return {
    count: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
  };
}

/** Runs `once` until `seconds` have passed (after `warmUp` calls), timing each call. */
export async function timeLoop(
  once: () => Promise<unknown>,
  options: { seconds: number; warmUp?: number; maxCount?: number },
): Promise<{ latenciesMs: number[]; elapsedS: number }> {
  for (let i = 0; i < (options.warmUp ?? 100); i++) await once();
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  while (performance.now() < deadline && latenciesMs.length < maxCount) {
    const t0 = performance.now();
    await once();
    latenciesMs.push(performance.now() - t0);
  }
  return { latenciesMs, elapsedS: (performance.now() - started) / 1000 };
}

export function formatMs(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0);
}
