// The reduced soak (the full one is `npm run soak`, figures in SOAK.md): npm start under the same mixed load for
// a couple of thousand requests or 20 s, whichever comes first. Not one wrong answer is allowed.
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../scripts/soak/run-soak.ts';

describe('soak (reduced)', () => {
  it('answers every benign request exactly and every adversarial one as SPEC §3 says, under mixed load', async () => {
    const report = await runSoak({
      requests: 2_000,
      maxDurationMs: 20_000,
      concurrency: 12,
      rssSampleMs: 500,
    });
    expect(report.wrongSamples).toEqual([]);
    expect(report.wrongAnswers).toBe(0);
    expect(report.requests).toBeGreaterThan(300);
    expect(report.management.oneWinner).toBe(report.management.rounds);
    expect(Object.keys(report.classes)).toEqual(
      expect.arrayContaining([
        'static',
        'script-echo',
        'timeout',
        'stack',
        'throws',
        'invalid',
        'unsettled',
        'deep-nesting',
      ]),
    );
  }, 60_000);
});
