import { describe, expect, it } from 'vitest';
import { breakerFaultsToOpen, breakerOpenMaxMs, breakerOpenMs } from '../../lib/limits.ts';
import type { ScriptOutcome } from '../../lib/sandbox/types.ts';
import { type Admission, CircuitBreaker } from '../../lib/webhook/circuit-breaker.ts';

function fakeClock() {
  const clock = { ms: 1_000_000, now: () => clock.ms };
  return clock;
}

const responder = { id: 'r1', version: 1 };

function run(breaker: CircuitBreaker, outcome: ScriptOutcome, subject = responder): Admission {
  const admission = breaker.admit(subject);
  if (admission.run) breaker.settle(admission.ticket, outcome);
  return admission;
}

function failTimes(breaker: CircuitBreaker, times: number, subject = responder): void {
  for (let i = 0; i < times; i++) expect(run(breaker, 'error', subject).run).toBe(true);
}

/** A breaker that has just opened for its first cool-down. */
function opened() {
  const clock = fakeClock();
  const breaker = new CircuitBreaker({ now: clock.now });
  failTimes(breaker, breakerFaultsToOpen);
  return { clock, breaker };
}

describe('circuit breaker', () => {
  it('uses the numbers of SPEC §10', () => {
    expect([breakerFaultsToOpen, breakerOpenMs, breakerOpenMaxMs]).toEqual([5, 30_000, 300_000]);
  });

  it('stays closed after 4 consecutive faults and opens at the 5th', () => {
    const breaker = new CircuitBreaker({ now: fakeClock().now });
    failTimes(breaker, 4);
    expect(breaker.admit(responder).run).toBe(true);
    failTimes(breaker, 1);
    expect(breaker.admit(responder)).toEqual({ run: false, retryAfterSeconds: 30 });
  });

  it('counts every fault outcome, and only consecutive ones: a success starts the count again', () => {
    const breaker = new CircuitBreaker({ now: fakeClock().now });
    for (const outcome of ['timeout', 'memory', 'stack', 'syntax'] as const) run(breaker, outcome);
    run(breaker, 'ok');
    for (const outcome of ['error', 'invalid', 'unsettled', 'error'] as const) run(breaker, outcome);
    expect(breaker.admit(responder).run).toBe(true);
    run(breaker, 'timeout');
    expect(breaker.admit(responder).run).toBe(false);
  });

  it('gives the whole seconds left, rounded up, as the time to retry', () => {
    const { clock, breaker } = opened();
    clock.ms += 100;
    expect(breaker.admit(responder)).toEqual({ run: false, retryAfterSeconds: 30 });
    clock.ms += 10_000;
    expect(breaker.admit(responder)).toEqual({ run: false, retryAfterSeconds: 20 });
    clock.ms += 19_899;
    expect(breaker.admit(responder)).toEqual({ run: false, retryAfterSeconds: 1 });
  });

  it('lets one trial run when the cool-down ends, and closes on its success', () => {
    const { clock, breaker } = opened();
    clock.ms += breakerOpenMs;
    const trial = breaker.admit(responder);
    expect(trial).toMatchObject({ run: true, ticket: { trial: true } });
    if (trial.run) breaker.settle(trial.ticket, 'ok');
    failTimes(breaker, 4);
    expect(breaker.admit(responder).run).toBe(true);
  });

  it('lets only one request run while the trial is in flight, then the next one after it', () => {
    const { clock, breaker } = opened();
    clock.ms += breakerOpenMs;
    const trial = breaker.admit(responder);
    expect(trial.run).toBe(true);
    expect([breaker.admit(responder), breaker.admit(responder)]).toEqual([
      { run: false, retryAfterSeconds: 1 },
      { run: false, retryAfterSeconds: 1 },
    ]);
    if (trial.run) breaker.settle(trial.ticket, 'ok');
    expect(breaker.admit(responder).run).toBe(true);
  });

  it('reopens for twice as long after a failed trial, at most 5 minutes', () => {
    const { clock, breaker } = opened();
    const coolDowns: number[] = [];
    for (let i = 0; i < 6; i++) {
      const left = breaker.admit(responder);
      if (left.run) throw new Error('the breaker should be open');
      coolDowns.push(left.retryAfterSeconds);
      clock.ms += left.retryAfterSeconds * 1000;
      expect(run(breaker, 'timeout').run).toBe(true);
    }
    expect(coolDowns).toEqual([30, 60, 120, 240, 300, 300]);
  });

  it('frees the trial for the next request when the run ended without an outcome (a host fault)', () => {
    const { clock, breaker } = opened();
    clock.ms += breakerOpenMs;
    const trial = breaker.admit(responder);
    if (trial.run) breaker.settle(trial.ticket, undefined);
    expect(breaker.admit(responder)).toMatchObject({ run: true, ticket: { trial: true } });
  });

  it('ignores runs admitted before it opened that end after: only the trial decides', () => {
    const clock = fakeClock();
    const breaker = new CircuitBreaker({ now: clock.now });
    const late = breaker.admit(responder);
    failTimes(breaker, breakerFaultsToOpen);
    if (late.run) breaker.settle(late.ticket, 'ok');
    expect(breaker.admit(responder).run).toBe(false);
  });

  it('closes for a new version of the responder, and the old version no longer counts', () => {
    const { breaker } = opened();
    const saved = { id: responder.id, version: 2 };
    expect(breaker.admit(saved).run).toBe(true);
    failTimes(breaker, 4, saved);
    // A run of version 1 still in flight when version 2 arrived.
    breaker.settle({ id: responder.id, version: 1, trial: false }, 'error');
    expect(breaker.admit(saved).run).toBe(true);
  });

  it('keeps responders apart', () => {
    const { breaker } = opened();
    const other = { id: 'r2', version: 1 };
    failTimes(breaker, 4, other);
    expect(breaker.admit(other).run).toBe(true);
    expect(breaker.admit(responder).run).toBe(false);
  });

  it('forgets the oldest responders beyond its bound', () => {
    const breaker = new CircuitBreaker({ now: fakeClock().now, maxResponders: 2 });
    failTimes(breaker, breakerFaultsToOpen);
    for (const id of ['r2', 'r3']) run(breaker, 'error', { id, version: 1 });
    expect(breaker.admit(responder).run).toBe(true);
  });
});
