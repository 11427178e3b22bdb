/* v8 ignore file -- runs inside QuickJS from guest.generated.ts, where V8's coverage cannot see it; test/sandbox runs it end to end. */
// Runs inside QuickJS, not in Node: the core the host installs in every fresh context before the user's script
// (docs/contract.md §3 script API). Built into guest.generated.ts by guest/generate.ts; it may import only
// from guest/, and only what the bundle should carry.
//
// The host calls the core once with its single host function. Every built-in the host's protocol relies on is
// captured here, before user code runs, so a script that replaces `JSON.stringify`, `Object.prototype.toJSON`
// or `Promise.prototype.then` can only change its own output. The core returns the host's entry points; none
// of them is reachable from the script's globals.
//
// Compiling JavaScript is the largest cost of a fresh context (about 0.2 ms per KB here), so the core is small
// and the script API (console, atob/btoa, crypto) is compiled on first use: each of those globals starts as
// an accessor that asks the host for its chunk, runs it with the captured intrinsics and replaces itself with
// the result. TextEncoder/TextDecoder and Deno.core, which most scripts use, come with the core.
import {
  type Chunk,
  type ContextRecord,
  type Finished,
  type GuestEntries,
  type Host,
  type Intrinsics,
  type JsonText,
  type LazyGlobal,
  lazyGlobals,
  type NullProto,
} from './boundary.ts';
import deno from './deno.ts';
import finisher from './result.ts';
import text from './text.ts';

/** QuickJS's own error for its limits (not in the ECMAScript library). */
declare const InternalError: ErrorConstructor;

export default function core(host: Host, bodyMaxBytes: number): GuestEntries {
  const O = Object;
  const gopd = O.getOwnPropertyDescriptor;
  const gpo = O.getPrototypeOf;
  const dp = O.defineProperty;
  const U8 = Uint8Array;
  const AB = ArrayBuffer;
  const TA = gpo(U8.prototype) as object;
  const DV = DataView.prototype;
  // biome-ignore lint/suspicious/noExplicitAny: an accessor's getter, whatever it returns, is called through apply.
  const getter = (o: object, k: PropertyKey) => gopd(o, k)?.get as (this: unknown) => any;
  const apply = Reflect.apply;
  const I: NullProto<Intrinsics> = {
    __proto__: null,
    G: globalThis,
    host,
    dp,
    keys: O.keys,
    isArray: Array.isArray,
    stringify: JSON.stringify as (value: unknown) => JsonText,
    parse: JSON.parse,
    apply,
    S: String,
    isInt: Number.isInteger,
    U8,
    isView: AB.isView,
    abSlice: AB.prototype.slice,
    abLen: getter(AB.prototype, 'byteLength'),
    taBuf: getter(TA, 'buffer'),
    taOff: getter(TA, 'byteOffset'),
    taLen: getter(TA, 'byteLength'),
    taTag: getter(TA, Symbol.toStringTag),
    taSet: (TA as { set: () => void }).set,
    dvBuf: getter(DV, 'buffer'),
    dvOff: getter(DV, 'byteOffset'),
    dvLen: getter(DV, 'byteLength'),
    TypeError,
    RangeError,
    Error,
    toStr: O.prototype.toString,
    indexOf: Array.prototype.indexOf,
    strIndexOf: String.prototype.indexOf,
    // ES2024, which QuickJS has and TypeScript's ES2023 library does not describe.
    wellFormed: (String.prototype as string & { isWellFormed: () => boolean }).isWellFormed,
    strSlice: String.prototype.slice,
    fromCharCode: String.fromCharCode,
    // The errors QuickJS raises itself for its limits (its parsers report stack overflow as a SyntaxError).
    limitProtos: [InternalError.prototype, SyntaxError.prototype, RangeError.prototype],
    gpo,
    parts: (v) =>
      apply(I.taTag, v, []) !== undefined
        ? [apply(I.taBuf, v, []), apply(I.taOff, v, []), apply(I.taLen, v, [])]
        : [apply(I.dvBuf, v, []), apply(I.dvOff, v, []), apply(I.dvLen, v, [])],
    // Text from the host: a string as it is, or JSON in `json` when it holds a NUL (C strings end there).
    text: (r) => (typeof r === 'string' ? r : I.parse(r.json)),
    bytesOf: (v) => {
      if (v === null || typeof v !== 'object') return null;
      if (I.isView(v)) {
        const p = I.parts(v);
        return apply(I.abSlice, p[0], [p[1], p[1] + p[2]]);
      }
      try {
        apply(I.abLen, v, []);
      } catch {
        return null;
      }
      return apply(I.abSlice, v, [0]);
    },
    asBody: (bytes) => {
      dp(bytes, 'toJSON', bodyJSON);
      return bytes;
    },
  };
  // Math.random: QuickJS seeds it from the clock; here 53 bits a number from the execution's random stream
  // (docs/contract.md §9: the host's ChaCha20 keystream of the execution's seed), fetched 8 numbers at a time
  // (a larger batch costs more than the calls it saves).
  let pool: Uint8Array | null = null;
  let at = 0;
  dp(Math, 'random', {
    value: function random() {
      if (pool === null || at === 64) {
        pool = new U8(host('random', 64));
        at = 0;
      }
      const p = pool;
      const i = at;
      at += 8;
      // Every index is inside the pool's 64 bytes (`at` stops at 56).
      const b0 = p[i] as number;
      return (
        (((b0 & 31) * 65536 + (p[i + 1] as number) * 256 + (p[i + 2] as number)) * 4294967296 +
          (p[i + 3] as number) * 16777216 +
          (((p[i + 4] as number) << 16) | ((p[i + 5] as number) << 8) | (p[i + 6] as number))) /
        9007199254740992
      );
    },
    writable: true,
    configurable: true,
  });
  // The clock (docs/contract.md §9): Date.now() and new Date() read the execution's start time, frozen for the
  // execution, so the same seed and start time give the same answer; new Date(x) and the rest of Date are
  // QuickJS's own.
  let now = 0;
  const RealDate = Date;
  const construct = Reflect.construct;
  const dateToString = RealDate.prototype.toString;
  // biome-ignore lint/suspicious/noShadowRestrictedNames: the function a script sees as Date is named Date.
  const FrozenDate = function Date(this: unknown, ...args: unknown[]) {
    if (new.target === undefined) return apply(dateToString, construct(RealDate, [now], RealDate), []);
    return construct(RealDate, args.length === 0 ? [now] : args, new.target);
  };
  dp(FrozenDate, 'length', { value: 7, configurable: true });
  dp(FrozenDate, 'prototype', { value: RealDate.prototype, writable: false });
  dp(RealDate.prototype, 'constructor', { value: FrozenDate, writable: true, configurable: true });
  dp(FrozenDate, 'now', {
    value: {
      now() {
        return now;
      },
    }.now,
    writable: true,
    configurable: true,
  });
  dp(FrozenDate, 'parse', { value: RealDate.parse, writable: true, configurable: true });
  dp(FrozenDate, 'UTC', { value: RealDate.UTC, writable: true, configurable: true });
  dp(I.G, 'Date', { value: FrozenDate, writable: true, configurable: true });
  // A global's name never finds a chunk on Object.prototype.
  const eager: NullProto<Partial<Record<LazyGlobal, Chunk>>> = {
    __proto__: null,
    TextEncoder: text,
    TextDecoder: text,
    Deno: deno,
  };
  const own = (name: string, value: unknown) => dp(I.G, name, { value, writable: true, configurable: true });
  for (let i = 0; i < lazyGlobals.length; i++) {
    const name = lazyGlobals[i] as LazyGlobal;
    dp(I.G, name, {
      configurable: true,
      get() {
        const made = apply(eager[name] || host('load', name), undefined, [I]);
        const k = I.keys(made);
        for (let j = 0; j < k.length; j++) own(k[j] as string, made[k[j] as LazyGlobal]);
        return made[name];
      },
      set(value) {
        own(name, value);
      },
    });
  }
  // Secutils' body is a number[]: JSON gives the array of numbers, made only when asked for (a large body stays
  // bytes otherwise). Array.prototype.slice on a non-array makes a plain Array without calling any setter.
  const arraySlice = Array.prototype.slice;
  const bodyJSON = {
    value: function toJSON(this: unknown) {
      return apply(arraySlice, this, []);
    },
    writable: true,
    configurable: true,
  };
  // Also sets the clock and empties Math.random's numbers: the host starts every execution from a snapshot of
  // this context. The secrets are not enumerable, so an echo of the context (JSON.stringify(context),
  // Object.keys) never carries one (docs/contract.md §3, §12).
  const setContext = (json: string, body: ArrayBuffer) => {
    const c: ContextRecord = I.parse(json);
    now = c.nowMs;
    pool = null;
    at = 0;
    const o = c.fields;
    o.body = I.asBody(new U8(body));
    dp(o, 'secrets', { value: c.secrets, writable: true, configurable: true });
    own('context', o);
  };
  const finish = finisher(I, bodyMaxBytes);
  // The script's value, awaited, as finish makes it; `threw` when reading it threw.
  const done = async (v: unknown): Promise<Finished> => {
    const r = await v;
    try {
      return finish(r);
    } catch (e) {
      return { __proto__: null, kind: 'threw', error: e } as Finished;
    }
  };
  // One call for a compiled script: its context, its run and its result.
  const runScript = (json: string, body: ArrayBuffer, run: () => unknown) => {
    setContext(json, body);
    return done(run());
  };
  return O.freeze({ __proto__: null, runScript, setContext, done, intrinsics: I } as GuestEntries);
}
