// The compiled-script cache on its own: which scripts a module keeps compiled, and which it compiles again.
import { describe, expect, it } from 'vitest';
import { CompiledScripts, maxCompiledScripts, notCompiled } from '../../lib/sandbox/script-cache.ts';

describe('the compiled scripts of a module', () => {
  it('tells a script never seen from one that compiles only as a program', () => {
    const scripts = new CompiledScripts<string>();
    scripts.set('program;', undefined);
    expect(scripts.get('never seen')).toBe(notCompiled);
    expect(scripts.get('program;')).toBeUndefined();
  });

  it(`keeps the ${maxCompiledScripts} most recently used, a script used again counting as new`, () => {
    const scripts = new CompiledScripts<string>();
    for (let i = 0; i < maxCompiledScripts; i++) scripts.set(`s${i}`, `compiled ${i}`);
    expect(scripts.get('s0')).toBe('compiled 0');
    scripts.set('one more', 'compiled more');
    expect(scripts.size).toBe(maxCompiledScripts);
    expect(scripts.get('s1')).toBe(notCompiled);
    expect(scripts.get('s0')).toBe('compiled 0');
    expect(scripts.get('one more')).toBe('compiled more');
  });
});
