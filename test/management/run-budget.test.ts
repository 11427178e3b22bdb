// The bound on a replay or a run of saved tests: nothing starts that could end past the budget.
import { describe, expect, it } from 'vitest';
import { hardStopGraceMs } from '../../lib/limits.ts';
import { runWithinBudget } from '../../lib/management/run-budget.ts';

describe('runWithinBudget', () => {
  it('stops starting executions once one could end past the budget, and says which did not run', async () => {
    let clock = 0;
    // Every execution runs to its deadline (a script that times out each time).
    const run = async (n: number) => {
      clock += 1_000 + hardStopGraceMs;
      return n * 10;
    };
    const items = Array.from({ length: 100 }, (_, i) => i);
    const result = await runWithinBudget(items, run, {
      deadlineMs: 1_000,
      budgetMs: 5_000,
      now: () => clock,
    });
    expect(result.done).toEqual([0, 10, 20, 30]);
    expect(result.notRun).toEqual(items.slice(4));
    expect(clock).toBeLessThanOrEqual(5_000);
  });

  it('runs everything that fits', async () => {
    const result = await runWithinBudget([1, 2, 3], async (n) => n, {
      deadlineMs: 0,
      budgetMs: 1_000,
      now: () => 0,
    });
    expect(result).toEqual({ done: [1, 2, 3], notRun: [] });
  });

  it('always starts the first execution when its deadline fits the budget at all', async () => {
    const result = await runWithinBudget([1], async (n) => n, {
      deadlineMs: 25_000,
      budgetMs: 25_000 + hardStopGraceMs,
      now: () => 0,
    });
    expect(result.done).toEqual([1]);
  });
});
