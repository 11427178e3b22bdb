// The host's side of guest/boundary.ts's host operations: each operation's arguments decoded as the table
// says, the operation run against one execution's state, its result encoded for the guest. Errors reach the
// guest as `{ name, message }` only, never with a host stack or path.
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle } from 'quickjs-emscripten-core';
import {
  type ArgKind,
  type HostArgs,
  type HostOpName,
  type HostResult,
  hostOps,
  type LazyGlobal,
  type ResultKind,
} from './guest/boundary.ts';
import { base64Chunk, consoleChunk, cryptoChunk } from './guest.generated.ts';
import {
  atob,
  btoa,
  type ConsoleCapture,
  decodeUtf8,
  digest,
  encodeUtf8,
  GuestError,
  hmac,
  type SeededRandom,
} from './host-ops.ts';
import type { UpstreamCalls, UpstreamOptions, UpstreamResponse } from './upstream.ts';

/** What the host operations of one execution read and write. */
export interface ExecutionState {
  deadline: number;
  interrupted: boolean;
  console: ConsoleCapture;
  random: SeededRandom;
  upstream: UpstreamCalls;
  /** The guest promises of upstream calls not yet settled in the guest, in the order made. */
  waiting: WaitingCall[];
}

/** An upstream call: its promise in the guest, and once the host's call has ended, how. */
interface WaitingCall {
  deferred: QuickJSDeferredPromise;
  /** Resolves when the host's call has ended (`ended` is set then). */
  call: Promise<void>;
  ended?: { response: UpstreamResponse } | { failure: string };
}

/** The chunk of the script API that defines each global the core does not bring itself. */
const chunkOfGlobal: Partial<Record<LazyGlobal, string>> = {
  console: consoleChunk,
  atob: base64Chunk,
  btoa: base64Chunk,
  crypto: cryptoChunk,
};

type Operations = {
  [Op in HostOpName]: (ctx: QuickJSContext, state: ExecutionState, ...args: HostArgs<Op>) => HostResult<Op>;
};

const operations: Operations = {
  log: (_ctx, state, level, message) => {
    state.console.add(level, message);
    return undefined;
  },
  load: (_ctx, _state, name) => {
    const source = chunkOfGlobal[name as LazyGlobal];
    if (source === undefined) throw new GuestError('TypeError', 'unknown script API');
    return source;
  },
  encode: (_ctx, _state, text) => encodeUtf8(text),
  decode: (_ctx, _state, data, fatal, ignoreBOM) =>
    decodeUtf8(typeof data === 'string' ? encodeUtf8(data) : data, fatal, ignoreBOM),
  atob: (_ctx, _state, data) => atob(data),
  btoa: (_ctx, _state, data) => btoa(data),
  hmac: (_ctx, _state, algorithm, key, data) => hmac(algorithm, key, data),
  digest: (_ctx, _state, algorithm, data) => digest(algorithm, data),
  byteLength: (_ctx, _state, text) => Buffer.byteLength(text),
  uuid: (_ctx, state) => state.random.uuid(),
  random: (_ctx, state, count) => state.random.bytes(count),
  proxy: (ctx, state, options, body) => startUpstreamCall(ctx, state, options as UpstreamOptions, body),
};

/** The guest's `host(op, ...args)`: throws `{ name, message }` for the guest on any failure. */
export function hostCall(
  ctx: QuickJSContext,
  state: ExecutionState,
  opHandle: QuickJSHandle,
  args: QuickJSHandle[],
): QuickJSHandle | undefined {
  try {
    const op = ctx.getString(opHandle);
    if (!Object.hasOwn(hostOps, op)) throw new GuestError('TypeError', 'unknown host operation');
    const { args: kinds, result } = hostOps[op as HostOpName];
    const decoded = kinds.map((kind: ArgKind, index) => decodeArg(ctx, kind, args[index]));
    const run = operations[op as HostOpName] as (
      ctx: QuickJSContext,
      state: ExecutionState,
      ...args: unknown[]
    ) => unknown;
    return encodeResult(ctx, result, run(ctx, state, ...decoded));
  } catch (error) {
    if (error instanceof GuestError) throw { name: error.name, message: error.message };
    throw { name: 'Error', message: 'host operation failed' };
  }
}

function decodeArg(ctx: QuickJSContext, kind: ArgKind, handle: QuickJSHandle | undefined): unknown {
  // The guest passes every argument the table names; a call without one is the host's fault.
  if (handle === undefined) throw new Error('missing argument');
  switch (kind) {
    case 'name':
    case 'level':
    case 'algorithm':
      return ctx.getString(handle);
    // Text the guest sent as JSON (C strings would end at a NUL).
    case 'json':
      return JSON.parse(ctx.getString(handle)) as string;
    case 'jsonObject':
      return JSON.parse(ctx.getString(handle)) as unknown;
    case 'flag':
      return ctx.getNumber(handle) === 1;
    case 'count':
      return ctx.getNumber(handle);
    case 'bytes':
      return bytesOf(ctx, handle);
    case 'optionalBytes': {
      if (ctx.typeof(handle) === 'undefined') return undefined;
      const data = bytesOf(ctx, handle);
      return typeof data === 'string' ? encodeUtf8(data) : data;
    }
  }
}

function bytesOf(ctx: QuickJSContext, handle: QuickJSHandle): Uint8Array | string {
  if (ctx.typeof(handle) === 'string') return JSON.parse(ctx.getString(handle)) as string;
  return ctx.getArrayBuffer(handle).consume((view) => new Uint8Array(view.value));
}

function encodeResult(ctx: QuickJSContext, kind: ResultKind, value: unknown): QuickJSHandle | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'upstream':
      return value as QuickJSHandle;
    case 'bytes':
      return newArrayBuffer(ctx, value as Uint8Array);
    case 'text':
      return guestText(ctx, value as string);
    case 'plain':
      return ctx.newString(value as string);
    case 'number':
      return ctx.newNumber(value as number);
    case 'chunk':
      return ctx.unwrapResult(ctx.evalCode(value as string, 'api.js', { type: 'global' }));
  }
}

/** An ArrayBuffer in the guest holding exactly the bytes of the view. */
export function newArrayBuffer(ctx: QuickJSContext, bytes: Uint8Array): QuickJSHandle {
  const exact = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return ctx.newArrayBuffer(exact ? bytes.buffer : bytes.slice().buffer);
}

/** Text for the guest's `I.text` (guest/boundary.ts's HostText). */
function guestText(ctx: QuickJSContext, text: string): QuickJSHandle {
  if (!text.includes('\0')) return ctx.newString(text);
  const box = ctx.newObject();
  ctx.newString(JSON.stringify(text)).consume((json) => ctx.defineProp(box, 'json', { value: json }));
  return box;
}

/** The guest's promise of an upstream call, settled by `settleEndedCalls` once the host's call has ended. */
function startUpstreamCall(
  ctx: QuickJSContext,
  state: ExecutionState,
  options: UpstreamOptions,
  body: Uint8Array | undefined,
): QuickJSHandle {
  const waiting: WaitingCall = { deferred: ctx.newPromise(), call: Promise.resolve() };
  waiting.call = state.upstream.send(options, body).then(
    (response) => {
      waiting.ended = { response };
    },
    (error: Error) => {
      waiting.ended = { failure: error.message };
    },
  );
  state.waiting.push(waiting);
  return waiting.deferred.handle;
}

/** Settles in the guest the calls whose host side has ended; false when none had. */
export function settleEndedCalls(ctx: QuickJSContext, state: ExecutionState): boolean {
  const ended = state.waiting.filter((waiting) => waiting.ended);
  if (ended.length === 0) return false;
  state.waiting = state.waiting.filter((waiting) => !waiting.ended);
  for (const { deferred, ended: how } of ended) {
    if (how && 'response' in how) {
      const { statusCode, headers, body } = how.response;
      // guest/boundary.ts's UpstreamReply. Defined, not set: a setter the script put on Object.prototype
      // never sees it.
      const reply = ctx.newObject();
      ctx.newNumber(statusCode).consume((h) => ctx.defineProp(reply, 'statusCode', { value: h }));
      ctx.newString(JSON.stringify(headers)).consume((h) => ctx.defineProp(reply, 'headers', { value: h }));
      newArrayBuffer(ctx, body).consume((h) => ctx.defineProp(reply, 'body', { value: h }));
      reply.consume((h) => deferred.resolve(h));
    } else {
      const message = how && 'failure' in how ? how.failure : 'Upstream request failed';
      ctx.newError({ name: 'Error', message }).consume((h) => deferred.reject(h));
    }
    deferred.dispose();
  }
  return true;
}

/** Resolves when one of the open calls ends, or at the deadline, whichever is first. */
export async function oneEnded(state: ExecutionState): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, state.deadline - Date.now()) + 1);
  });
  try {
    await Promise.race([deadline, ...state.waiting.map((waiting) => waiting.call)]);
  } finally {
    clearTimeout(timer);
  }
}

/** The execution is over: open calls are cut and their guest promises let go. */
export function endUpstreamCalls(state: ExecutionState): void {
  state.upstream.end();
  for (const { deferred } of state.waiting) deferred.dispose();
  state.waiting = [];
}
