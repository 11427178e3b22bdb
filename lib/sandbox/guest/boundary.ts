// The contract between the host (engine) and the guest (the JavaScript in guest/*.ts that runs inside QuickJS):
// the host operations the guest may call, with the arguments and result of each, and the records that cross
// the boundary. Both sides import their types from here; the guest bundle (guest/generate.ts) takes only
// `lazyGlobals` of its values, so everything else here costs the guest nothing.
//
// Values cross as quickjs-emscripten moves them: strings as C strings (cut at the first NUL, so text goes to
// the host as JSON and comes back as `HostText`), numbers, and ArrayBuffers copied exactly.
import type { QuickJSHandle } from 'quickjs-emscripten-core';

/** The levels a console line has (docs/contract.md §3). */
export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error';
export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** `JSON.stringify` of a string: how text that may hold a NUL goes to the host. */
export type JsonText = string & { readonly jsonText?: never };
/** Text from the host: the string itself when a C string can carry it, else its JSON in `json`. */
export type HostText = string | { readonly json: JsonText };
/** Bytes to the host: a string as JSON (sent as UTF-8) or an exact copy in an ArrayBuffer of its own. */
export type BytesArg = JsonText | ArrayBuffer;

/** How each kind of argument looks on either side: what the guest passes, what the host's operation gets. */
interface ArgKinds {
  /** Text as a plain C string: only what the guest itself chose (an op's mode), never the script's text. */
  name: { guest: string; host: string };
  level: { guest: ConsoleLevel; host: ConsoleLevel };
  algorithm: { guest: HashAlgorithm; host: HashAlgorithm };
  json: { guest: JsonText; host: string };
  /** An object as JSON (which never holds a NUL: JSON.stringify escapes it); the host checks what it got. */
  jsonObject: { guest: JsonText; host: unknown };
  flag: { guest: 0 | 1; host: boolean };
  count: { guest: number; host: number };
  bytes: { guest: BytesArg; host: Uint8Array | string };
  optionalBytes: { guest: BytesArg | undefined; host: Uint8Array | undefined };
}
export type ArgKind = keyof ArgKinds;

/** How each kind of result looks on either side: what the host's operation returns, what the guest gets. */
interface ResultKinds {
  none: { host: undefined; guest: undefined };
  bytes: { host: Uint8Array; guest: ArrayBuffer };
  text: { host: string; guest: HostText };
  /** A string the host made and knows to hold no NUL (a UUID, base64). */
  plain: { host: string; guest: string };
  number: { host: number; guest: number };
  /** The source of a chunk of the script API, which the host compiles: the guest gets the chunk's function. */
  chunk: { host: string; guest: Chunk };
  /** An upstream call: the host makes the guest's promise itself (host-calls.ts). */
  upstream: { host: QuickJSHandle; guest: Promise<UpstreamReply> };
}
export type ResultKind = keyof ResultKinds;

/** Every host operation, by name: the kinds of its arguments and of its result. */
export const hostOps = {
  log: { args: ['level', 'json'], result: 'none' },
  load: { args: ['name'], result: 'chunk' },
  encode: { args: ['json'], result: 'bytes' },
  decode: { args: ['bytes', 'flag', 'flag'], result: 'text' },
  atob: { args: ['json'], result: 'text' },
  btoa: { args: ['json'], result: 'plain' },
  hmac: { args: ['algorithm', 'bytes', 'bytes'], result: 'bytes' },
  digest: { args: ['algorithm', 'bytes'], result: 'bytes' },
  byteLength: { args: ['json'], result: 'number' },
  uuid: { args: [], result: 'plain' },
  random: { args: ['count'], result: 'bytes' },
  proxy: { args: ['jsonObject', 'optionalBytes'], result: 'upstream' },
} as const satisfies Record<string, { args: readonly ArgKind[]; result: ResultKind }>;
export type HostOpName = keyof typeof hostOps;

type SideOf<Kinds extends readonly ArgKind[], Side extends 'guest' | 'host'> = {
  -readonly [I in keyof Kinds]: ArgKinds[Kinds[I]][Side];
};
type Args<Op extends HostOpName, Side extends 'guest' | 'host'> = SideOf<(typeof hostOps)[Op]['args'], Side>;
export type HostArgs<Op extends HostOpName> = Args<Op, 'host'>;
export type HostResult<Op extends HostOpName> = ResultKinds[(typeof hostOps)[Op]['result']]['host'];
export type GuestResult<Op extends HostOpName> = ResultKinds[(typeof hostOps)[Op]['result']]['guest'];

/** The one function the host gives the guest. */
export type Host = <Op extends HostOpName>(op: Op, ...args: Args<Op, 'guest'>) => GuestResult<Op>;

/** What an upstream call settles to in the guest, before the guest makes the script's response of it. */
export interface UpstreamReply {
  statusCode: number;
  /** The response's headers as JSON (an object of lower-case name to value). */
  headers: string;
  body: ArrayBuffer;
}

/** Globals of the script API that are installed on first use. */
export const lazyGlobals = [
  'console',
  'TextEncoder',
  'TextDecoder',
  'atob',
  'btoa',
  'Deno',
  'crypto',
] as const;
export type LazyGlobal = (typeof lazyGlobals)[number];
/** The chunks of the script API the host compiles on the guest's request (text and Deno come with the core). */
export type LazyChunkName = 'console' | 'base64' | 'crypto';
/** A chunk of the script API: called with the core's intrinsics, returns the globals it defines. */
export type Chunk = (I: Intrinsics) => Partial<Record<LazyGlobal, unknown>>;

/** The context as the host sends it to `setContext`, as JSON: everything of an execution but the body. */
export interface ContextRecord {
  /** The execution's start time (docs/contract.md §9). */
  nowMs: number;
  /** The request without its body, in Secutils' key order (context.ts). */
  fields: Record<string, unknown>;
  secrets: Record<string, string>;
}

/** What the guest tells the host about an ok result, as JSON (see `finish` in guest/core.ts). */
export interface ResultMeta {
  /** A string when the status is a number without a finite JSON form (NaN, Infinity). */
  status: number | string | null;
  /** Names and values in turn. */
  headers: string[] | null;
  body: 'none' | 'raw' | 'text' | 'bytes';
  skipRequest?: true;
  trackResponse?: false;
}

/**
 * A script's result as plain data, or why there is none: the body of an ok result is the text as it is
 * (`raw`), the text as JSON (`text`) or an ArrayBuffer (`bytes`), as `meta.body` says.
 */
export type Finished =
  | { readonly kind: 'ok'; readonly meta: string; readonly body?: string | ArrayBuffer }
  | { readonly kind: 'invalid'; readonly reason: string }
  /** JSON.stringify of the body threw (the host finds out which error with the faults chunk). */
  | { readonly kind: 'json-error'; readonly error: unknown }
  /** Reading the script's value threw. */
  | { readonly kind: 'threw'; readonly error: unknown };

/**
 * An object literal written with `__proto__: null`, which makes its prototype null (nothing of Object.prototype,
 * which a script may change, is read through it); TypeScript sees a property.
 */
export type NullProto<T> = T & { __proto__: null };

type KeysOf<T> = T extends unknown ? keyof T : never;
/** The fields of any Finished record, which the host reads by name as its kind says. */
export type FinishedField = KeysOf<Finished>;

/** The host's entry points into a context, which the core returns once; none is reachable from the script. */
export interface GuestEntries {
  /** Installs the context, runs a compiled script, resolves to its result as plain data. */
  runScript(context: string, body: ArrayBuffer, run: () => unknown): Promise<Finished>;
  /** Installs the context, for a script that runs as a program. */
  setContext(context: string, body: ArrayBuffer): void;
  /** Resolves to the value's result as plain data. */
  done(value: unknown): Promise<Finished>;
  /** The intrinsics the core captured, for the chunks the host compiles later. */
  intrinsics: Intrinsics;
}

/** What the host needs only when a script failed (guest/faults.ts). */
export interface FaultHelpers {
  /** What to say about an error, as JSON. */
  describeError(error: unknown): JsonText;
  /** Whether the error is one of QuickJS's limits. */
  errorKind(error: unknown): 'memory' | 'stack' | '';
}

// Reflect.apply's shape for the captured built-ins, which are called with an explicit receiver.
type Method<R = unknown> = (this: unknown, ...args: never[]) => R;

/**
 * The built-ins the core captures before any user code runs, and the helpers made of them: the chunks use
 * nothing else, so a script that replaces a global or a prototype's method changes only its own output.
 */
export interface Intrinsics {
  G: typeof globalThis;
  host: Host;
  dp: typeof Object.defineProperty;
  keys: typeof Object.keys;
  isArray: typeof Array.isArray;
  stringify: (value: unknown) => JsonText;
  parse: typeof JSON.parse;
  apply: typeof Reflect.apply;
  S: typeof String;
  isInt: typeof Number.isInteger;
  U8: typeof Uint8Array;
  isView: typeof ArrayBuffer.isView;
  abSlice: Method<ArrayBuffer>;
  abLen: Method<number>;
  taBuf: Method<ArrayBuffer>;
  taOff: Method<number>;
  taLen: Method<number>;
  taTag: Method<string | undefined>;
  taSet: Method<void>;
  dvBuf: Method<ArrayBuffer>;
  dvOff: Method<number>;
  dvLen: Method<number>;
  TypeError: typeof TypeError;
  RangeError: typeof RangeError;
  Error: typeof Error;
  toStr: Method<string>;
  indexOf: Method<number>;
  strIndexOf: Method<number>;
  wellFormed: Method<boolean>;
  strSlice: Method<string>;
  fromCharCode: Method<string>;
  /** The prototypes of the errors QuickJS raises itself for its limits. */
  limitProtos: object[];
  gpo: typeof Object.getPrototypeOf;
  /** A view's buffer, offset and length. */
  parts(view: ArrayBufferView): [ArrayBuffer, number, number];
  text(reply: HostText): string;
  /** An exact copy of the bytes of a view or an ArrayBuffer, or null for anything else. */
  bytesOf(value: unknown): ArrayBuffer | null;
  /** Bytes as a script receives them: a Uint8Array whose JSON is number[]. */
  asBody(bytes: Uint8Array): Uint8Array;
}
