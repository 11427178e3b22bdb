// The reduced soak (the full one is `npm run soak`, figures in SOAK.md): npm start under the same mixed load for
// a thousand requests, however long a slow machine takes. Not one wrong answer is allowed.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/soak/run-soak.ts';

const requests = 1_000;

describe('soak (reduced)', () => {
  it('answers every benign request exactly and every adversarial one as SPEC §3 says, under mixed load', async () => {
    const report = await runSoak({
      requests,
      maxDurationMs: Number.POSITIVE_INFINITY,
      concurrency: 12,
      rssSampleMs: 500,
    });
    expect(report.wrongSamples).toEqual([]);
    expect(report.wrongAnswers).toBe(0);
    expect(report.requests).toBeGreaterThanOrEqual(requests);
    expect(report.management.oneWinner).toBe(report.management.rounds);
    // The run sends each class once before the weighted mix.
    expect(Object.keys(report.classes)).toEqual(
      expect.arrayContaining([
        'static',
        'script-echo',
        'script-bytes',
        'tracked',
        'not-found',
        'timeout',
        'hard-stop',
        'memory',
        'stack',
        'throws',
        'invalid',
        'unsettled',
        'deep-nesting',
      ]),
    );
  }, 300_000);
});
