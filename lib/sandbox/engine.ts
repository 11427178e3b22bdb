// One QuickJS execution at a time, inside a sandbox worker: a fresh runtime and context per execution,
// the compiled WebAssembly reused, memory capped in bytes by the WebAssembly memory itself.
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import {
  type CustomizeVariantOptions,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { defaultScriptLimits } from '../limits.ts';
import { chunkOfGlobal, guestChunks, guestCore, guestFaults } from './guest-prelude.ts';
import { heapBytesInUse } from './heap-usage.ts';
import {
  atob,
  btoa,
  ConsoleCapture,
  decodeUtf8,
  digest,
  encodeUtf8,
  GuestError,
  type HashAlgorithm,
  hmac,
  random,
  uuid,
} from './host-ops.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';
import { checkResult } from './result-check.ts';
import { checkScript, evaluateScript } from './script-source.ts';
import type { ConsoleLevel, RecycleReason, ScriptOutcome, SyntaxCheck } from './types.ts';

// The package's default export is this variant; its CommonJS typings hide that from NodeNext resolution.
const base = releaseSync as unknown as QuickJSSyncVariant;

const pageBytes = 64 * 1024;
/** The QuickJS build declares 256 pages (16 MiB) as its memory's minimum. */
const initialMemoryBytes = 256 * pageBytes;
/**
 * What a fresh runtime, context and the prelude take before the script allocates anything (measured about
 * 0.3 MiB), with room for the host's own calls (the script source, results) on the module's heap.
 */
const runtimeBaselineBytes = 1024 * 1024;
/** A module whose memory grew past this (WebAssembly memory never shrinks) is rebuilt to give it back. */
const highWaterMarkBytes = initialMemoryBytes + 16 * 1024 * 1024;
/** Modules kept per worker, one per distinct memory limit in use. */
const maxModules = 4;

interface EmscriptenHeap {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

interface Slot {
  memoryBytes: number;
  qjs: QuickJSWASMModule;
  memory: WebAssembly.Memory;
  prepared: Prepared | undefined;
  /** The heap asked for more memory than the limit allows since the last execution started. */
  exhausted: boolean;
  /** The module's first allocation, where a walk of the heap starts (heap-usage.ts). */
  firstPayload: number;
  /** Bytes in use before any runtime exists (the ballast, the bindings' own): not the script's. */
  baselineBytes: number;
}

interface Guest {
  setContext: QuickJSHandle;
  awaitValue: QuickJSHandle;
  finish: QuickJSHandle;
  /** The intrinsics the core captured, for chunks the host compiles later. */
  intrinsics: QuickJSHandle;
  /** Compiled on the first failure of the execution (guestFaults). */
  describeError?: QuickJSHandle;
  errorKind?: QuickJSHandle;
}

interface Prepared {
  runtime: QuickJSRuntime;
  ctx: QuickJSContext;
  guest: Guest;
  state: { deadline: number; interrupted: boolean; console: ConsoleCapture };
}

/** What an execution came to, before the worker adds console, duration and memory. */
type Outcome = Omit<WorkerAnswer, 'id' | 'console' | 'durationMs' | 'memoryBytes'>;
type Fault = { outcome: ScriptOutcome; message?: string };

export class Engine {
  private readonly slots = new Map<number, Slot>();
  private pendingDispose: { prepared: Prepared; slot: Slot } | undefined;
  private pendingRecycle: RecycleReason | undefined;

  /**
   * @param heapStartBytes where allocations start in linear memory (see wasm-layout.ts), measured if unknown
   */
  constructor(
    private readonly wasmModule: WebAssembly.Module,
    private heapStartBytes?: number,
  ) {}

  async run(request: WorkerRequest): Promise<WorkerAnswer> {
    const started = performance.now();
    this.freePrevious();
    const { limits } = request;
    const slot = await this.slotFor(limits.memoryBytes);
    const prepared = slot.prepared ?? this.prepare(slot);
    slot.prepared = undefined;
    const { runtime, state } = prepared;
    slot.exhausted = false;
    state.deadline = Date.now() + limits.deadlineMs;
    runtime.setMaxStackSize(limits.stackBytes);

    let answer: Outcome;
    try {
      answer = this.execute(prepared, request);
    } catch {
      // A host fault inside the module (an abort): the module cannot be trusted any more.
      this.drop(slot);
      return {
        id: request.id,
        ...(state.interrupted
          ? timeoutFault
          : slot.exhausted
            ? memoryFault
            : { outcome: 'error', message: 'the sandbox failed' }),
        console: state.console.lines,
        durationMs: performance.now() - started,
        memoryBytes: slot.exhausted ? limits.memoryBytes : 0,
        recycled: 'corrupted',
      };
    }
    // When the heap hit the limit, QuickJS may throw `null` or a secondary error instead of "out of memory".
    if (slot.exhausted && answer.outcome !== 'ok' && answer.outcome !== 'timeout') answer = memoryFault;
    // After out-of-memory the heap is full by definition (and walking it is not worth the risk).
    const memoryBytes = answer.outcome === 'memory' ? limits.memoryBytes : this.memoryInUse(slot, prepared);
    let recycled = this.pendingRecycle;
    this.pendingRecycle = undefined;
    if (slot.exhausted || answer.outcome === 'memory') {
      // After out-of-memory QuickJS may abort while freeing; the whole module goes instead.
      recycled = 'memory';
      this.drop(slot);
    } else if (slot.memory.buffer.byteLength > highWaterMarkBytes) {
      recycled = 'high-water-mark';
      this.drop(slot);
    } else {
      this.pendingDispose = { prepared, slot };
    }
    return {
      id: request.id,
      ...answer,
      console: state.console.lines,
      durationMs: performance.now() - started,
      memoryBytes,
      ...(recycled ? { recycled } : {}),
    };
  }

  /** After the answer has gone: free the execution's runtime and make the next one while idle. */
  async idle(memoryBytes: number): Promise<void> {
    this.freePrevious();
    try {
      await this.prepareIdle(memoryBytes);
    } catch {
      // A module that cannot make a context is rebuilt by the next execution.
      this.slots.delete(memoryBytes);
    }
  }

  /**
   * Frees the previous execution's runtime. QuickJS can abort here (a known case after allocations in
   * promise jobs); the module is then rebuilt and the rebuild reported with the next execution.
   */
  private freePrevious(): void {
    const pending = this.pendingDispose;
    if (!pending) return;
    this.pendingDispose = undefined;
    if (!this.dispose(pending.prepared)) {
      this.drop(pending.slot);
      this.pendingRecycle = 'corrupted';
    }
  }

  /** Compile only: never runs the script. */
  async checkSyntax(script: string): Promise<SyntaxCheck> {
    this.freePrevious();
    const slot = await this.slotFor(defaultScriptLimits.memoryBytes);
    const prepared = slot.prepared ?? this.prepare(slot);
    slot.prepared = prepared;
    const fault = checkScript(prepared.ctx, script);
    return fault ? { ok: false, message: fault.message, line: fault.line } : { ok: true };
  }

  /** Make the next fresh runtime and context while idle, so the next request does not pay for it. */
  async prepareIdle(memoryBytes: number): Promise<void> {
    const slot = await this.slotFor(memoryBytes);
    if (!slot.prepared) slot.prepared = this.prepare(slot);
  }

  private execute(prepared: Prepared, request: WorkerRequest): Outcome {
    const { ctx, guest } = prepared;
    const { body, ...rest } = request.context ?? emptyContext;
    const json = ctx.newString(JSON.stringify(rest));
    const bodyBuffer = ctx.newArrayBuffer(body as unknown as ArrayBuffer);
    const installed = ctx.callFunction(guest.setContext, ctx.undefined, json, bodyBuffer);
    json.dispose();
    bodyBuffer.dispose();
    if (installed.error) {
      const fault = this.classify(prepared, installed.error, 'error');
      installed.error.dispose();
      return fault;
    }
    installed.value.dispose();

    const evaluated = evaluateScript(ctx, request.script);
    if (evaluated.kind === 'syntax')
      return { outcome: 'syntax', message: evaluated.message, line: evaluated.line };
    if (evaluated.kind === 'thrown') {
      const fault = this.classify(prepared, evaluated.error, 'error');
      evaluated.error.dispose();
      return fault;
    }
    let promise = evaluated.value;
    if (evaluated.program) {
      const awaited = ctx.callFunction(guest.awaitValue, ctx.undefined, promise);
      promise.dispose();
      if (awaited.error) {
        const fault = this.classify(prepared, awaited.error, 'error');
        awaited.error.dispose();
        return fault;
      }
      promise = awaited.value;
    }
    try {
      return this.settle(prepared, promise);
    } finally {
      promise.dispose();
    }
  }

  private settle(prepared: Prepared, promise: QuickJSHandle): Outcome {
    const { runtime, ctx, state } = prepared;
    for (;;) {
      const promiseState = ctx.getPromiseState(promise);
      if (promiseState.type === 'rejected') {
        const fault = this.classify(prepared, promiseState.error, 'error');
        promiseState.error.dispose();
        return fault;
      }
      if (promiseState.type === 'fulfilled') {
        const value = promiseState.value;
        try {
          if (state.interrupted) return timeoutFault;
          return this.readResult(prepared, value);
        } finally {
          if (value !== promise) value.dispose();
        }
      }
      if (state.interrupted || Date.now() > state.deadline) return timeoutFault;
      if (!runtime.hasPendingJob()) return { outcome: 'unsettled' };
      const jobs = runtime.executePendingJobs(256);
      // A job that threw has already rejected its promise; the loop reads that state.
      if (jobs.error) jobs.error.dispose();
    }
  }

  private readResult(prepared: Prepared, value: QuickJSHandle): Outcome {
    const { ctx, guest } = prepared;
    const finished = ctx.callFunction(guest.finish, ctx.undefined, value);
    if (finished.error) {
      const fault = this.classify(prepared, finished.error, 'invalid');
      finished.error.dispose();
      return fault;
    }
    const parts = finished.value;
    try {
      const part = (index: number) => ctx.getProp(parts, index);
      const kind = part(0).consume((h) => ctx.getString(h));
      if (kind === 'json-error') {
        return part(4).consume((error) =>
          this.classify(prepared, error, 'invalid', 'the body cannot be converted to JSON: '),
        );
      }
      if (kind === 'invalid') {
        return { outcome: 'invalid', message: part(5).consume((h) => ctx.getString(h)) };
      }
      const statusCode = part(1).consume((h) => (ctx.typeof(h) === 'number' ? ctx.getNumber(h) : undefined));
      const headersJson = part(2).consume((h) => (ctx.typeof(h) === 'string' ? ctx.getString(h) : null));
      const bodyKind = part(3).consume((h) => ctx.getString(h));
      let body: Uint8Array | undefined;
      if (bodyKind === 'text')
        body = encodeUtf8(JSON.parse(part(4).consume((h) => ctx.getString(h))) as string);
      else if (bodyKind === 'bytes') {
        body = part(4).consume((h) => ctx.getArrayBuffer(h).consume((view) => new Uint8Array(view.value)));
      }
      const headers = headersJson === null ? undefined : pairsOf(JSON.parse(headersJson) as string[]);
      return checkResult({ statusCode, headers, body });
    } finally {
      parts.dispose();
    }
  }

  /** Why the script failed, from our own state first (the engine reports interrupts as ordinary errors). */
  private classify(
    prepared: Prepared,
    error: QuickJSHandle,
    otherwise: 'error' | 'invalid',
    invalidPrefix = 'reading the result threw: ',
  ): Fault {
    const { ctx, state } = prepared;
    if (state.interrupted) return timeoutFault;
    const faults = this.faults(prepared);
    if (!faults) return memoryFault;
    const kind = ctx.callFunction(faults.errorKind, ctx.undefined, error);
    if (kind.error) {
      kind.error.dispose();
      return state.interrupted ? timeoutFault : memoryFault;
    }
    const faultKind = kind.value.consume((h) => ctx.getString(h));
    if (faultKind === 'memory') return memoryFault;
    if (faultKind === 'stack') return { outcome: 'stack' };
    const described = ctx.callFunction(faults.describeError, ctx.undefined, error);
    if (described.error) {
      described.error.dispose();
      return state.interrupted ? timeoutFault : { outcome: otherwise, message: '[unreadable error]' };
    }
    const message = capMessage(JSON.parse(described.value.consume((h) => ctx.getString(h))) as string);
    if (state.interrupted) return timeoutFault;
    return { outcome: otherwise, message: otherwise === 'invalid' ? `${invalidPrefix}${message}` : message };
  }

  /**
   * The guest's error helpers, compiled when an execution first fails (most never do). Undefined when even
   * that fails, which only happens with the heap exhausted.
   */
  private faults({
    ctx,
    guest,
  }: Prepared): { describeError: QuickJSHandle; errorKind: QuickJSHandle } | undefined {
    if (guest.describeError && guest.errorKind)
      return { describeError: guest.describeError, errorKind: guest.errorKind };
    const compiled = ctx.evalCode(guestFaults, 'faults.js', { type: 'global' });
    if (compiled.error) {
      compiled.error.dispose();
      return undefined;
    }
    const made = compiled.value.consume((fn) => ctx.callFunction(fn, ctx.undefined, guest.intrinsics));
    if (made.error) {
      made.error.dispose();
      return undefined;
    }
    return made.value.consume((pair) => {
      guest.describeError = ctx.getProp(pair, 0);
      guest.errorKind = ctx.getProp(pair, 1);
      return { describeError: guest.describeError, errorKind: guest.errorKind };
    });
  }

  /** Bytes the execution's runtime holds on the heap; QuickJS's own (slower, approximate) count if the walk fails. */
  private memoryInUse(slot: Slot, { runtime, ctx }: Prepared): number {
    const walked = heapBytesInUse(slot.memory.buffer, slot.firstPayload);
    if (walked !== undefined) return Math.max(0, walked - slot.baselineBytes);
    try {
      return runtime
        .computeMemoryUsage()
        .consume((usage) => ctx.getProp(usage, 'memory_used_size').consume((h) => ctx.getNumber(h)));
    } catch {
      return 0;
    }
  }

  /** False when QuickJS aborted while freeing (known after out-of-memory in promise jobs): the module is done. */
  private dispose(prepared: Prepared): boolean {
    try {
      for (const handle of Object.values(prepared.guest)) handle?.dispose();
      prepared.ctx.dispose();
      prepared.runtime.dispose();
      return true;
    } catch {
      return false;
    }
  }

  private drop(slot: Slot): void {
    this.slots.delete(slot.memoryBytes);
  }

  private prepare(slot: Slot): Prepared {
    const runtime = slot.qjs.newRuntime();
    runtime.setMemoryLimit(slot.memoryBytes + runtimeBaselineBytes);
    const ctx = runtime.newContext();
    const state = { deadline: Number.POSITIVE_INFINITY, interrupted: false, console: new ConsoleCapture() };
    runtime.setInterruptHandler(() => {
      if (Date.now() <= state.deadline) return false;
      state.interrupted = true;
      return true;
    });
    const host = ctx.newFunction('host', (opHandle, ...args) => hostCall(ctx, state.console, opHandle, args));
    const preludeFn = ctx.unwrapResult(ctx.evalCode(guestCore, 'prelude.js', { type: 'global' }));
    const seeds = random(16);
    const seedHandles = [0, 1, 2, 3].map((i) => ctx.newNumber(seeds.readInt32LE(i * 4)));
    const entries = ctx.unwrapResult(ctx.callFunction(preludeFn, ctx.undefined, host, ...seedHandles));
    for (const handle of [preludeFn, host, ...seedHandles]) handle.dispose();
    const entry = (index: number) => ctx.getProp(entries, index);
    const guest: Guest = {
      setContext: entry(0),
      awaitValue: entry(1),
      finish: entry(2),
      intrinsics: entry(3),
    };
    entries.dispose();
    return { runtime, ctx, guest, state };
  }

  private async slotFor(memoryBytes: number): Promise<Slot> {
    const existing = this.slots.get(memoryBytes);
    if (existing) {
      // Most recently used last, so the oldest is evicted first.
      this.slots.delete(memoryBytes);
      this.slots.set(memoryBytes, existing);
      return existing;
    }
    const slot = await this.newSlot(memoryBytes);
    this.slots.set(memoryBytes, slot);
    while (this.slots.size > maxModules) {
      const oldest = this.slots.values().next().value as Slot;
      this.slots.delete(oldest.memoryBytes);
    }
    return slot;
  }

  /**
   * A module whose heap can hold `memoryBytes` for the script and no more. QuickJS's own memory limit counts
   * allocations, not bytes, in this build, so the byte cap is the WebAssembly memory's maximum; below the
   * build's 16 MiB minimum, a ballast allocation made once at start takes up the rest.
   */
  private async newSlot(memoryBytes: number): Promise<Slot> {
    const heapBytes = memoryBytes + runtimeBaselineBytes;
    const heapStart = this.heapStartBytes ?? (await this.measureHeapStart());
    const maximumBytes = Math.max(
      initialMemoryBytes,
      Math.ceil((heapStart + heapBytes) / pageBytes) * pageBytes,
    );
    const memory = new WebAssembly.Memory({
      initial: initialMemoryBytes / pageBytes,
      maximum: maximumBytes / pageBytes,
    });
    const slot: Slot = {
      memoryBytes,
      qjs: undefined as unknown as QuickJSWASMModule,
      memory,
      prepared: undefined,
      exhausted: false,
      firstPayload: 0,
      baselineBytes: 0,
    };
    // Emscripten grows the memory through this method; a refusal is how we know the limit was reached.
    const grow = memory.grow.bind(memory);
    memory.grow = (deltaPages: number) => {
      try {
        return grow(deltaPages);
      } catch (error) {
        slot.exhausted = true;
        throw error;
      }
    };
    slot.qjs = await this.newModule(memory);
    const heap = (slot.qjs as unknown as { module: EmscriptenHeap }).module;
    slot.firstPayload = this.firstAllocation(heap);
    const ballastBytes = initialMemoryBytes - (slot.firstPayload + heapBytes);
    if (ballastBytes > 0) heap._malloc(ballastBytes);
    slot.baselineBytes = heapBytesInUse(memory.buffer, slot.firstPayload) ?? 0;
    return slot;
  }

  private firstAllocation(heap: EmscriptenHeap): number {
    const pointer = heap._malloc(16);
    heap._free(pointer);
    return pointer;
  }

  private newModule(memory: WebAssembly.Memory): Promise<QuickJSWASMModule> {
    // printErr: QuickJS's abort messages (a known one after out-of-memory) are handled, not printed.
    const emscriptenModule = {
      printErr: () => {},
      print: () => {},
    } as unknown as CustomizeVariantOptions['emscriptenModule'];
    return newQuickJSWASMModuleFromVariant(
      newVariant(base, { wasmModule: this.wasmModule, wasmMemory: memory, emscriptenModule }),
    );
  }

  /** Without the stack top from the .wasm file, a trial module shows where allocations start. */
  private async measureHeapStart(): Promise<number> {
    const memory = new WebAssembly.Memory({
      initial: initialMemoryBytes / pageBytes,
      maximum: initialMemoryBytes / pageBytes,
    });
    const qjs = await this.newModule(memory);
    this.heapStartBytes = this.firstAllocation((qjs as unknown as { module: EmscriptenHeap }).module);
    return this.heapStartBytes;
  }
}

const emptyContext = {
  method: 'GET',
  path: '/',
  rawQuery: '',
  query: {},
  headers: {},
  body: new Uint8Array(0),
  clientAddress: null,
};

const timeoutFault: Fault = { outcome: 'timeout' };
const memoryFault: Fault = { outcome: 'memory' };

const messageMaxChars = 1_000;
function capMessage(message: string): string {
  return message.length > messageMaxChars ? `${message.slice(0, messageMaxChars)}…` : message;
}

function pairsOf(flat: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}

function hostCall(
  ctx: QuickJSContext,
  console: ConsoleCapture,
  opHandle: QuickJSHandle,
  args: QuickJSHandle[],
) {
  const op = ctx.getString(opHandle);
  const arg = (index: number) => args[index] as QuickJSHandle;
  const text = (index: number) => ctx.getString(arg(index));
  /** Text the guest sent as JSON (see guest-prelude.ts: C strings would end at a NUL). */
  const json = (index: number) => JSON.parse(ctx.getString(arg(index))) as string;
  const bytes = (index: number): Uint8Array | string => {
    const handle = arg(index);
    if (ctx.typeof(handle) === 'string') return JSON.parse(ctx.getString(handle)) as string;
    return ctx.getArrayBuffer(handle).consume((view) => new Uint8Array(view.value));
  };
  const buffer = (data: Uint8Array) => ctx.newArrayBuffer(data as unknown as ArrayBuffer);
  try {
    switch (op) {
      case 'log':
        console.add(text(0) as ConsoleLevel, json(1));
        return undefined;
      case 'load': {
        const source = guestChunks[chunkOfGlobal[text(0)] ?? ''];
        if (source === undefined) throw new GuestError('TypeError', 'unknown script API');
        return ctx.unwrapResult(ctx.evalCode(source, 'api.js', { type: 'global' }));
      }
      case 'encode':
        return buffer(encodeUtf8(json(0)));
      case 'decode': {
        const data = bytes(0);
        const fatal = ctx.dump(arg(1)) === true;
        const ignoreBOM = ctx.dump(arg(2)) === true;
        const decoded = decodeUtf8(typeof data === 'string' ? encodeUtf8(data) : data, fatal, ignoreBOM);
        return ctx.newString(JSON.stringify(decoded));
      }
      case 'atob':
        return ctx.newString(JSON.stringify(atob(json(0))));
      case 'btoa':
        return ctx.newString(btoa(json(0)));
      case 'hmac':
        return buffer(hmac(text(0) as HashAlgorithm, bytes(1), bytes(2)));
      case 'digest':
        return buffer(digest(text(0) as HashAlgorithm, bytes(1)));
      case 'uuid':
        return ctx.newString(uuid());
      case 'random':
        return buffer(random(ctx.getNumber(arg(0))));
      default:
        throw new GuestError('TypeError', 'unknown host operation');
    }
  } catch (error) {
    if (error instanceof GuestError) throw { name: error.name, message: error.message };
    throw { name: 'Error', message: 'host operation failed' };
  }
}
