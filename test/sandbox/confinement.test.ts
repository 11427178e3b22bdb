// Which scripts the pool confines to one worker: those that timed out recently, a bounded number of them.
import { describe, expect, it } from 'vitest';
import { confinedScriptsMax, timedOutScriptConfinedMs } from '../../lib/limits.ts';
import { Confinement } from '../../lib/sandbox/confinement.ts';

describe('confinement of scripts that ran out of time', () => {
  it('holds a script from its timeout until the confinement period has passed', () => {
    let now = 1_000;
    const confinement = new Confinement(() => now);
    expect(confinement.has('a')).toBe(false);
    confinement.add('a');
    now += timedOutScriptConfinedMs - 1;
    expect(confinement.has('a')).toBe(true);
    expect(confinement.has('b')).toBe(false);
    now += 1;
    expect(confinement.has('a')).toBe(false);
  });

  it('starts the period again at each timeout', () => {
    let now = 0;
    const confinement = new Confinement(() => now);
    confinement.add('a');
    now += timedOutScriptConfinedMs - 1;
    confinement.add('a');
    now += timedOutScriptConfinedMs - 1;
    expect(confinement.has('a')).toBe(true);
  });

  it('remembers only the most recent scripts', () => {
    const confinement = new Confinement(() => 0);
    for (let i = 0; i <= confinedScriptsMax; i++) confinement.add(`script ${i}`);
    expect(confinement.has('script 0')).toBe(false);
    expect(confinement.has('script 1')).toBe(true);
    expect(confinement.has(`script ${confinedScriptsMax}`)).toBe(true);
  });
});
