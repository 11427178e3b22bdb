// The module pool on its own, against the real QuickJS module: one module per memory class, a context that
// every execution finds as it was made, compiled scripts kept in snapshots, and a module that hit its class's
// memory told apart.
import { describe, expect, it } from 'vitest';
import { scriptMemoryClassBytes, scriptMemoryClassesBytes } from '../../lib/limits.ts';
import type { GuestContext } from '../../lib/sandbox/guest-context.ts';
import { ModulePool } from '../../lib/sandbox/module-pool.ts';
import { loadQuickJsWasm } from '../../lib/sandbox/wasm-layout.ts';

const { wasmModule: wasm, layout } = loadQuickJsWasm();
const smallest = scriptMemoryClassesBytes[0] as number;

/** Evaluates code in the context as it is now, returning its value as JSON. */
function evaluate(guest: GuestContext, code: string): unknown {
  const { ctx } = guest;
  const handle = ctx.unwrapResult(ctx.evalCode(code, 'test.js', { type: 'global' }));
  return JSON.parse(handle.consume((h) => ctx.getString(h)));
}

describe('the module pool', () => {
  it('gives the same module for every limit of a class, another for another class', async () => {
    const pool = new ModulePool(wasm, layout);
    const module = await pool.moduleFor(smallest);
    expect(await pool.moduleFor(smallest - 1)).toBe(module);
    expect(module.classBytes).toBe(scriptMemoryClassBytes(smallest));
    const larger = await pool.moduleFor(smallest + 1);
    expect(larger).not.toBe(module);
    expect(larger.classBytes).toBeGreaterThan(smallest);
  });

  it('builds a module again once it was dropped', async () => {
    const pool = new ModulePool(wasm, layout);
    const module = await pool.moduleFor(smallest);
    pool.drop(module);
    expect(await pool.moduleFor(smallest)).not.toBe(module);
  });

  it('puts the context back as it was made, whatever ran in it', async () => {
    const module = await new ModulePool(wasm, layout).moduleFor(smallest);
    const { guest } = module.fresh();
    evaluate(guest, 'globalThis.left = "behind"; Object.prototype.polluted = 1; JSON.stringify(1)');
    expect(module.written()).toBeGreaterThan(0);
    const again = module.fresh().guest;
    expect(again).toBe(guest);
    expect(evaluate(again, 'JSON.stringify([typeof left, typeof ({}).polluted])')).toEqual([
      'undefined',
      'undefined',
    ]);
  });

  it('compiles a script once and finds it compiled the next time, without running it', async () => {
    const module = await new ModulePool(wasm, layout).moduleFor(smallest);
    const script = '(globalThis.ran = (globalThis.ran ?? 0) + 1)';
    const first = module.freshFor(script);
    expect(first.compiled).toBeDefined();
    expect(evaluate(first.guest, 'JSON.stringify(typeof ran)')).toBe('undefined');
    const second = module.freshFor(script);
    expect(second.compiled).toBe(first.compiled);
    expect(module.scripts.size).toBe(1);
  });

  it('keeps a script that compiles only as a program as such', async () => {
    const module = await new ModulePool(wasm, layout).moduleFor(smallest);
    expect(module.freshFor('const a = 1; a;').compiled).toBeUndefined();
    expect(module.freshFor('const a = 1; a;').compiled).toBeUndefined();
    expect(module.scripts.size).toBe(1);
  });

  it('marks a module whose memory could not grow past its class as exhausted', async () => {
    const module = await new ModulePool(wasm, layout).moduleFor(smallest);
    const { guest } = module.fresh();
    // QuickJS's own count would stop this first: the module's memory is the limit here.
    guest.runtime.setMemoryLimit(-1);
    expect(module.exhausted).toBe(false);
    const filled = guest.ctx.evalCode('const kept = []; for (;;) kept.push(new Uint8Array(1 << 20));');
    filled.error?.dispose();
    expect(module.exhausted).toBe(true);
  });
});
