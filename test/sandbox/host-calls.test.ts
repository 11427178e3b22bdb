// Host operations on their own, called as the guest calls them against a real context: each decoded and
// encoded as guest/boundary.ts's table says, and every failure reaching the guest as a bare name and message.
import type { QuickJSHandle } from 'quickjs-emscripten-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultScriptLimits } from '../../lib/limits.ts';
import { classify } from '../../lib/sandbox/fault-classify.ts';
import type { GuestContext } from '../../lib/sandbox/guest-context.ts';
import { hostCall } from '../../lib/sandbox/host-calls.ts';
import { ModulePool } from '../../lib/sandbox/module-pool.ts';
import { loadQuickJsWasm } from '../../lib/sandbox/wasm-layout.ts';

const { wasmModule, layout } = loadQuickJsWasm();

let guest: GuestContext;
beforeAll(async () => {
  const pool = new ModulePool(wasmModule, layout);
  guest = (await pool.moduleFor(defaultScriptLimits.memoryBytes)).fresh().guest;
});

/** Calls the host operation with arguments made in the guest by `args` (JavaScript), and disposes of them. */
function call(op: string, args = '[]'): QuickJSHandle | undefined {
  const { ctx, state } = guest;
  const array = ctx.unwrapResult(ctx.evalCode(args, 'args.js', { type: 'global' }));
  const count = ctx.getNumber(ctx.getProp(array, 'length'));
  const handles = Array.from({ length: count }, (_, i) => ctx.getProp(array, i));
  const opHandle = ctx.newString(op);
  try {
    return hostCall(ctx, state, opHandle, handles);
  } finally {
    for (const handle of [array, opHandle, ...handles]) handle.dispose();
  }
}

function thrown(op: string, args?: string): unknown {
  try {
    call(op, args)?.dispose();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('host operations', () => {
  it('encode text sent as JSON into an ArrayBuffer of its UTF-8', () => {
    const handle = call('encode', '[JSON.stringify("a\\u0000é")]') as QuickJSHandle;
    const bytes = handle.consume((h) => guest.ctx.getArrayBuffer(h).consume((view) => [...view.value]));
    expect(bytes).toEqual([0x61, 0, 0xc3, 0xa9]);
  });

  it('return text holding a NUL as JSON in a `json` field, other text as a string', () => {
    const { ctx } = guest;
    const plain = call('atob', '[JSON.stringify("aGk=")]') as QuickJSHandle;
    expect(plain.consume((h) => ctx.getString(h))).toBe('hi');
    const boxed = call('atob', '[JSON.stringify("AGk=")]') as QuickJSHandle;
    const json = boxed.consume((h) => ctx.getProp(h, 'json').consume((j) => ctx.getString(j)));
    expect(JSON.parse(json)).toBe('\0i');
  });

  it('hash bytes given as an ArrayBuffer or as text', () => {
    const { ctx } = guest;
    const hex = (handle: QuickJSHandle | undefined) =>
      (handle as QuickJSHandle).consume((h) =>
        ctx.getArrayBuffer(h).consume((view) => Buffer.from(view.value).toString('hex')),
      );
    const fromText = hex(call('digest', '["sha256", JSON.stringify("abc")]'));
    expect(fromText).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(call('digest', '["sha256", new Uint8Array([97, 98, 99]).buffer]'))).toBe(fromText);
  });

  it('add console lines to the execution', () => {
    expect(call('log', '["warn", JSON.stringify("careful")]')).toBeUndefined();
    expect(guest.state.console.lines.at(-1)).toEqual({ level: 'warn', message: 'careful' });
  });

  it('refuse an operation not in the table, Object.prototype names included', () => {
    for (const op of ['nope', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(thrown(op)).toEqual({ name: 'TypeError', message: 'unknown host operation' });
    }
  });

  it('refuse a global the script API does not load', () => {
    expect(thrown('load', '["process"]')).toEqual({ name: 'TypeError', message: 'unknown script API' });
  });

  it('say only that the operation failed when an argument is missing or not what the table says', () => {
    const failed = { name: 'Error', message: 'host operation failed' };
    expect(thrown('encode')).toEqual(failed);
    expect(thrown('encode', '["not JSON"]')).toEqual(failed);
  });

  it("pass a guest error's own name and message (InvalidCharacterError for bad base64)", () => {
    expect(thrown('atob', '[JSON.stringify("*")]')).toEqual({
      name: 'InvalidCharacterError',
      message: 'The string to be decoded is not correctly encoded.',
    });
  });
});

describe('fault classification', () => {
  const classifyCode = (code: string, otherwise: 'error' | 'invalid' = 'error') => {
    const { ctx } = guest;
    const error = ctx.unwrapResult(ctx.evalCode(code, 'fault.js', { type: 'global' }));
    return error.consume((e) => classify(guest, e, otherwise));
  };

  it("tells a script's error by its message, else its name, capped at 1000 characters", () => {
    expect(classifyCode('new TypeError("boom")')).toEqual({ outcome: 'error', message: 'boom' });
    expect(classifyCode('new RangeError("")')).toEqual({ outcome: 'error', message: 'RangeError' });
    expect(classifyCode('"a thrown string"')).toEqual({ outcome: 'error', message: 'a thrown string' });
    const long = classifyCode('new Error("x".repeat(5000))');
    expect(long.message).toBe(`${'x'.repeat(1000)}…`);
  });

  it("tells QuickJS's own stack overflow from a script's error of the same message", () => {
    const overflow = '(() => { try { (function f() { f(); })(); } catch (e) { return e; } })()';
    // A small QuickJS stack, reached long before this (main) thread's own.
    guest.runtime.setMaxStackSize(64 * 1024);
    try {
      expect(classifyCode(overflow)).toEqual({ outcome: 'stack' });
    } finally {
      guest.runtime.setMaxStackSize(defaultScriptLimits.stackBytes);
    }
    expect(classifyCode('new Error("stack overflow")')).toEqual({
      outcome: 'error',
      message: 'stack overflow',
    });
  });

  it('prefixes the reason of an invalid result', () => {
    expect(classifyCode('new Error("getter")', 'invalid')).toEqual({
      outcome: 'invalid',
      message: 'reading the result threw: getter',
    });
  });

  it('counts any failure after the deadline as the timeout', () => {
    guest.state.interrupted = true;
    try {
      expect(classifyCode('new Error("late")')).toEqual({ outcome: 'timeout' });
    } finally {
      guest.state.interrupted = false;
    }
  });
});
