// Replay and saved tests run many scripts in one management call: one at a time, each started only if it would
// end inside the call's budget even if it ran to its deadline, so the management function always answers
// (with what ran and what did not) before its own timeout.
import { defaultScriptLimits, hardStopGraceMs, managementRunBudgetMs } from '../limits.ts';
import type { Responder } from '../responders/schema.ts';

export interface BudgetOptions {
  /** The longest one execution may take: the responder's deadline (0 without a script). */
  deadlineMs: number;
  budgetMs?: number;
  now?: () => number;
}

/** `run` over `items` in order; those that no longer fit the budget come back in `notRun`. */
export async function runWithinBudget<T, R>(
  items: readonly T[],
  run: (item: T) => Promise<R>,
  { deadlineMs, budgetMs = managementRunBudgetMs, now = () => performance.now() }: BudgetOptions,
): Promise<{ done: R[]; notRun: T[] }> {
  const started = now();
  const done: R[] = [];
  for (const [index, item] of items.entries()) {
    if (now() - started + deadlineMs + hardStopGraceMs > budgetMs) {
      return { done, notRun: items.slice(index) };
    }
    done.push(await run(item));
  }
  return { done, notRun: [] };
}

/** The most one execution of this definition can take. */
export function executionDeadlineMs(responder: Pick<Responder, 'settings'>): number {
  if (responder.settings.script === undefined) return 0;
  return responder.settings.limits?.deadlineMs ?? defaultScriptLimits.deadlineMs;
}
