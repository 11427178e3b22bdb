// What the heap snapshot leaves out of its copy (heap-snapshot.ts): only stack the module has not used, never the
// static data or BSS below it, and zero again whenever an execution starts, whatever the last one wrote there.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultScriptLimits, scriptMemoryClassesBytes } from '../../lib/limits.ts';
import { wasmFilePath } from '../../lib/sandbox/files.ts';
import type { GuestContext } from '../../lib/sandbox/guest-context.ts';
import { stackRangeBytes } from '../../lib/sandbox/limits.ts';
import { ModulePool, type PooledModule } from '../../lib/sandbox/module-pool.ts';
import { layoutOf, loadQuickJsWasm, stackBytes } from '../../lib/sandbox/wasm-layout.ts';

const { wasmModule, layout } = loadQuickJsWasm();
const smallest = scriptMemoryClassesBytes[0] as number;

/** The bytes the module's current snapshot leaves out that are not zero, as addresses. */
function nonZeroLeftOut(module: PooledModule): number[] {
  const view = new Uint8Array(module.memory.buffer);
  const found: number[] = [];
  for (const { start, end } of module.fresh().snapshot.skipped) {
    for (let address = start; address < end; address++) if (view[address] !== 0) found.push(address);
  }
  return found;
}

/** The lowest non-zero byte of the module's stack. */
function deepestWritten(module: PooledModule): number {
  const view = new Uint8Array(module.memory.buffer);
  if (!layout) throw new Error('no layout');
  for (let address = layout.stackLow; address < layout.stackTop; address++) {
    if (view[address] !== 0) return address;
  }
  return layout.stackTop;
}

/**
 * Runs code that ends in QuickJS's stack overflow, under a limit this thread's native stack holds (see
 * SANDBOX-NOTES: a worker holds the largest).
 */
function runDeep(module: PooledModule, guest: GuestContext, code: string): void {
  module.limitStack(guest, 128 * 1024);
  guest.ctx.evalCode(code, 'deep.js', { type: 'global' }).dispose();
}

describe('the layout of the QuickJS module', () => {
  it('puts the stack above every byte of static data', () => {
    expect(layout).toBeDefined();
    const { stackTop = 0, stackLow = 0, dataEnd = 0 } = layout ?? {};
    expect(stackTop - stackLow).toBe(stackBytes);
    expect(dataEnd).toBeGreaterThan(0);
    expect(stackLow).toBeGreaterThanOrEqual(dataEnd);
  });

  it('reads no layout from a module whose stack would overlap its data', () => {
    const bytes = new Uint8Array(readFileSync(wasmFilePath()));
    // The global section's stack pointer, made 1 MiB lower than the stack needs (same LEB128 length).
    const top = layout?.stackTop ?? 0;
    const encode = (value: number) => [
      (value & 0x7f) | 0x80,
      ((value >> 7) & 0x7f) | 0x80,
      ((value >> 14) & 0x7f) | 0x80,
      (value >> 21) & 0x7f,
    ];
    const at = Buffer.from(bytes).indexOf(Buffer.from([0x41, ...encode(top)]));
    expect(at).toBeGreaterThan(0);
    bytes.set(encode(stackBytes - 1024 * 1024), at + 1);
    expect(layoutOf(bytes)).toBeUndefined();
    expect(layoutOf(new Uint8Array(8))).toBeUndefined();
  });
});

describe('the heap snapshot', () => {
  it('leaves out most of the stack, and nothing that is not zero once the context is made', async () => {
    const module = await new ModulePool(wasmModule, layout).moduleFor(smallest);
    const stack = module.fresh().snapshot.skipped.find((skip) => skip.start < (layout?.stackTop ?? 0));
    expect(stack?.start).toBeGreaterThanOrEqual(layout?.stackLow ?? Number.POSITIVE_INFINITY);
    expect((stack?.end ?? 0) - (stack?.start ?? 0)).toBeGreaterThan(stackBytes - 2 * stackRangeBytes.max);
    expect(nonZeroLeftOut(module)).toEqual([]);
  });

  it.each([
    ['recursion', 'function f(n) { return n <= 0 ? 0 : 1 + f(n - 1); } f(1e7);'],
    [
      'recursion through large frames',
      'function f(n) { const a = [n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n, n]; return n <= 0 ? a : f(n - 1); } f(1e7);',
    ],
    ['parsing deep nesting', 'JSON.parse("[".repeat(1e6))'],
  ])('finds what %s wrote on the stack zeroed before the next execution', async (_, code) => {
    const module = await new ModulePool(wasmModule, layout).moduleFor(smallest);
    const { guest } = module.fresh();
    const rest = deepestWritten(module);
    runDeep(module, guest, code);
    module.written();
    // The execution went deep into what the snapshot leaves out: the check below can fail.
    expect(rest - deepestWritten(module)).toBeGreaterThan(32 * 1024);
    expect(nonZeroLeftOut(module)).toEqual([]);
    expect(deepestWritten(module)).toBe(rest);
  });

  it('zeroes the stack down to the largest limit an execution ran under', async () => {
    const module = await new ModulePool(wasmModule, layout).moduleFor(smallest);
    const { guest } = module.fresh();
    const rest = deepestWritten(module);
    // Few frames of 16 KB each: deeper than the default limit reaches, well inside this thread's native stack.
    const locals = Array.from({ length: 2000 }, (_, i) => `v${i} = n`).join(', ');
    module.limitStack(guest, stackRangeBytes.max);
    guest.ctx
      .evalCode(`function f(n) { let ${locals}; return n <= 0 ? 0 : f(n - 1) + v0; } f(45);`)
      .dispose();
    module.written();
    expect(rest - deepestWritten(module)).toBeGreaterThan(defaultScriptLimits.stackBytes + 64 * 1024);
    expect(nonZeroLeftOut(module)).toEqual([]);
  });
});
