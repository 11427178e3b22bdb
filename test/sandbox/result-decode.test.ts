// The guest's Finished record read on its own: the guest's `done` called on a value in a real context, its
// promise run to the end, and the record decoded into the outcome the worker answers with.
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultScriptLimits } from '../../lib/limits.ts';
import type { GuestContext } from '../../lib/sandbox/guest-context.ts';
import { ModulePool } from '../../lib/sandbox/module-pool.ts';
import { decodeResult } from '../../lib/sandbox/result-decode.ts';
import { loadQuickJsWasm } from '../../lib/sandbox/wasm-layout.ts';

const { wasmModule, layout } = loadQuickJsWasm();

let guest: GuestContext;
beforeAll(async () => {
  const pool = new ModulePool(wasmModule, layout);
  guest = (await pool.moduleFor(defaultScriptLimits.memoryBytes)).fresh().guest;
});

/** The outcome of a script whose value is `code`, as the executor gets it. */
function outcomeOf(code: string) {
  const { ctx, runtime, entries } = guest;
  const value = ctx.unwrapResult(ctx.evalCode(code, 'value.js', { type: 'global' }));
  const promise = value.consume((v) => ctx.unwrapResult(ctx.callFunction(entries.done, ctx.undefined, v)));
  runtime.executePendingJobs();
  const settled = ctx.getPromiseState(promise);
  promise.dispose();
  if (settled.type !== 'fulfilled') throw new Error(`done ${settled.type}`);
  return settled.value.consume((record) => decodeResult(guest, record));
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('a decoded result', () => {
  it('carries status, headers (the last of an array), body and both flags', () => {
    const code = `({ statusCode: 201, headers: { a: 'b', c: ['x', 'y'] }, body: 'hi',
      skipRequest: true, trackResponse: false })`;
    expect(outcomeOf(code)).toEqual({
      outcome: 'ok',
      statusCode: 201,
      headers: [
        ['a', 'b'],
        ['c', 'y'],
      ],
      body: bytes('hi'),
      skipRequest: true,
      trackResponse: false,
    });
  });

  it('keeps the defaults for null and for what it leaves out', () => {
    expect(outcomeOf('null')).toEqual({ outcome: 'ok' });
    expect(outcomeOf('({ body: null })')).toEqual({ outcome: 'ok' });
  });

  it('reads text with a NUL or a lone surrogate, bytes, and JSON bodies exactly', () => {
    expect(outcomeOf('({ body: "a\\u0000b" })')).toMatchObject({ body: bytes('a\0b') });
    expect(outcomeOf('({ body: new Uint8Array([0, 255]) })')).toMatchObject({
      body: new Uint8Array([0, 255]),
    });
    expect(outcomeOf('({ body: { n: [1, "two"] } })')).toMatchObject({ body: bytes('{"n":[1,"two"]}') });
  });

  it('says why a result is invalid, or which error made it so', () => {
    expect(outcomeOf('({ statusCode: "200" })')).toEqual({
      outcome: 'invalid',
      message: 'statusCode must be a number, got a string',
    });
    expect(outcomeOf('({ body: { toJSON() { throw new Error("no JSON") } } })')).toEqual({
      outcome: 'invalid',
      message: 'the body cannot be converted to JSON: no JSON',
    });
    expect(outcomeOf('({ get statusCode() { throw new Error("getter") } })')).toEqual({
      outcome: 'invalid',
      message: 'reading the result threw: getter',
    });
  });

  it('leaves a status code outside the range to the host check', () => {
    expect(outcomeOf('({ statusCode: NaN })').outcome).toBe('invalid');
  });
});
