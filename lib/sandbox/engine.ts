// One QuickJS execution at a time, inside a sandbox worker: every execution starts from a fresh runtime and
// context (one made per module, then written back from a snapshot of the module's memory after each
// execution: see heap-snapshot.ts), the compiled WebAssembly reused, memory capped in bytes by the
// WebAssembly memory itself at the limit's size class (one module per class: `scriptMemoryClassesBytes`).
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import {
  type CustomizeVariantOptions,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSDeferredPromise,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { defaultScriptLimits, scriptMemoryClassBytes, scriptMemoryClassesBytes } from '../limits.ts';
import { contextFields } from './context.ts';
import { emptyScriptContext } from './empty-context.ts';
import { chunkOfGlobal, guestChunks, guestCore, guestFaults, lazyGlobals } from './guest-prelude.ts';
import { HeapSnapshot } from './heap-snapshot.ts';
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
  SeededRandom,
} from './host-ops.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';
import { checkResult } from './result-check.ts';
import { checkScript, compileScriptFunction, evaluateScript } from './script-source.ts';
import type { ConsoleLevel, RecycleReason, ScriptOutcome, SyntaxCheck } from './types.ts';
import {
  UpstreamCalls,
  type UpstreamOptions,
  type UpstreamResponse,
  type UpstreamTransport,
} from './upstream.ts';

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
/**
 * Modules kept per worker: one per memory class, so that no mix of limits in use makes a worker rebuild modules
 * (see `scriptMemoryClassesBytes`).
 */
const maxModules = scriptMemoryClassesBytes.length;
/** Scripts kept compiled per module, each in a snapshot of its own (~0.4 MB each). */
const maxCompiledScripts = 8;

interface EmscriptenHeap {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

interface Slot {
  /** The memory class: the most any script run in this module may use. */
  classBytes: number;
  qjs: QuickJSWASMModule;
  memory: WebAssembly.Memory;
  /** The one runtime and context of this module, put back to a snapshot after every execution. */
  prepared: Prepared | undefined;
  /** Right after the runtime, the context and the script API were made. */
  snapshot: HeapSnapshot | undefined;
  /**
   * The same with one script compiled as a function, not run (most recently used last): a script that runs
   * again is not compiled again. `undefined` for a script that only compiles as a program.
   */
  compiled: Map<string, CompiledScript | undefined>;
  /** The snapshot the memory was last put back to. */
  at: HeapSnapshot | undefined;
  /** Something ran since then; the highest heap end it left. */
  dirtyEnd: number | undefined;
  ballast: { start: number; end: number } | undefined;
  /** The heap asked for more memory than the limit allows since the last execution started. */
  exhausted: boolean;
  /** The module's first allocation, where a walk of the heap starts (heap-usage.ts). */
  firstPayload: number;
  /** Bytes in use before any runtime exists (the ballast, the bindings' own): not the script's. */
  baselineBytes: number;
}

interface Guest {
  /** (json, body, run): installs the context, runs a compiled script, resolves to its result as plain data. */
  runScript: QuickJSHandle;
  /** (json, body): installs the context, for a script that runs as a program. */
  setContext: QuickJSHandle;
  /** (value): resolves to the value's result as plain data. */
  done: QuickJSHandle;
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
  state: ExecutionState;
}

/** What the host ops of one execution read and write. */
interface ExecutionState {
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

/** What an execution came to, before the worker adds console, duration and memory. */
type Outcome = Omit<WorkerAnswer, 'id' | 'console' | 'durationMs' | 'memoryBytes'>;
type Fault = { outcome: ScriptOutcome; message?: string };
/** What the guest's `finish` says about an ok result: status (a string when not finite), headers, body kind. */
interface ResultMeta {
  s: number | string | null;
  h: string[] | null;
  b: 'none' | 'raw' | 'text' | 'bytes';
  /** skipRequest: true */
  k?: true;
  /** trackResponse: false */
  t?: false;
}

interface CompiledScript {
  snapshot: HeapSnapshot;
  /** Lives in the snapshot's memory: valid whenever that snapshot has been put back. */
  run: QuickJSHandle;
}

export class Engine {
  private readonly slots = new Map<number, Slot>();

  /**
   * @param heapStartBytes where allocations start in linear memory (see wasm-layout.ts), measured if unknown
   * @param upstream what sends scripts' upstream calls (docs/contract.md §13); without it they fail
   */
  constructor(
    private readonly wasmModule: WebAssembly.Module,
    private heapStartBytes?: number,
    private readonly upstream?: UpstreamTransport,
  ) {}

  async run(request: WorkerRequest): Promise<WorkerAnswer> {
    const started = performance.now();
    const { limits } = request;
    const slot = await this.slotFor(limits.memoryBytes);
    slot.exhausted = false;
    let state: ExecutionState | undefined;
    let answer: Outcome;
    try {
      // Compiling is inside the try: a script the parser cannot hold must not take the worker down.
      const { prepared, compiled } = this.fresh(slot, request.script);
      state = prepared.state;
      state.deadline = Date.now() + limits.deadlineMs;
      state.interrupted = false;
      state.console = new ConsoleCapture();
      state.upstream = new UpstreamCalls(this.upstream, state.deadline);
      state.random = new SeededRandom(request.seed ?? noSeed);
      prepared.runtime.setMaxStackSize(limits.stackBytes);
      // The module's memory holds the class; QuickJS's own count (of allocations, not bytes) is all that can
      // hold a script to a smaller limit inside it, and is put back with the snapshot after the execution.
      prepared.runtime.setMemoryLimit(limits.memoryBytes + runtimeBaselineBytes);
      try {
        answer = await this.execute(prepared, request, compiled);
      } finally {
        endUpstreamCalls(state);
      }
    } catch (error) {
      // A host fault inside the module (an abort, the host's own stack overflow): the module cannot be trusted
      // any more.
      this.drop(slot);
      return {
        id: request.id,
        ...(state?.interrupted
          ? timeoutFault
          : slot.exhausted
            ? memoryFault
            : error instanceof RangeError
              ? stackFault
              : { outcome: 'error', message: 'the sandbox failed' }),
        console: state?.console.lines ?? [],
        durationMs: performance.now() - started,
        memoryBytes: slot.exhausted ? limits.memoryBytes : 0,
        recycled: 'corrupted',
        ...upstreamOf(state),
      };
    }
    // When the heap hit the limit, QuickJS may throw `null` or a secondary error instead of "out of memory".
    if (slot.exhausted && answer.outcome !== 'ok' && answer.outcome !== 'timeout') answer = memoryFault;
    let recycled: RecycleReason | undefined;
    // After out-of-memory the heap is full by definition (and walking it is not worth the risk).
    let memoryBytes = limits.memoryBytes;
    if (slot.exhausted || answer.outcome === 'memory') {
      // After out-of-memory QuickJS's own bookkeeping may be inconsistent; the whole module goes instead.
      recycled = 'memory';
      this.drop(slot);
    } else {
      // One walk of the heap: the memory the execution holds, and how far a restore must clean up after it.
      const heap = (slot.snapshot as HeapSnapshot).use();
      memoryBytes = Math.max(0, heap.inUseBytes - slot.baselineBytes);
      slot.dirtyEnd = Math.max(slot.dirtyEnd ?? 0, heap.endBytes);
      if (slot.memory.buffer.byteLength > highWaterMarkBytes) {
        recycled = 'high-water-mark';
        this.drop(slot);
      }
    }
    return {
      id: request.id,
      ...answer,
      console: state.console.lines,
      durationMs: performance.now() - started,
      memoryBytes,
      ...(recycled ? { recycled } : {}),
      ...upstreamOf(state),
    };
  }

  /** After the answer has gone: put the module back to its last snapshot while idle. */
  async idle(memoryBytes: number): Promise<void> {
    try {
      await this.prepareIdle(memoryBytes);
    } catch {
      // A module that cannot make a context is rebuilt by the next execution.
      this.slots.delete(scriptMemoryClassBytes(memoryBytes));
    }
  }

  /** Compile only: never runs the script, under the same stack limit as a run's compile (see `prepare`). */
  async checkSyntax(script: string): Promise<SyntaxCheck> {
    const slot = await this.slotFor(defaultScriptLimits.memoryBytes);
    slot.exhausted = false;
    let fault: ReturnType<typeof checkScript>;
    try {
      fault = checkScript(this.fresh(slot).prepared.ctx, script);
    } catch (error) {
      this.drop(slot);
      return {
        ok: false,
        message: error instanceof RangeError ? 'stack overflow' : 'the sandbox failed',
        line: 1,
      };
    }
    // After out-of-memory QuickJS's own bookkeeping may be inconsistent (see `run`).
    if (slot.exhausted) this.drop(slot);
    else slot.dirtyEnd = Math.max(slot.dirtyEnd ?? 0, (slot.snapshot as HeapSnapshot).use().endBytes);
    return fault ? { ok: false, message: fault.message, line: fault.line } : { ok: true };
  }

  /** Make the runtime and context (first time) or write the last snapshot back, so the next request does not pay for it. */
  async prepareIdle(memoryBytes: number): Promise<void> {
    const slot = await this.slotFor(memoryBytes);
    if (!slot.prepared) this.fresh(slot);
    else if (slot.at) this.restore(slot, slot.at);
  }

  /**
   * The slot's runtime and context as they were right after they were made: made and snapshotted on first use
   * (with every lazily compiled part of the script API and the error helpers compiled, so no execution
   * compiles them again), written back from a snapshot after an execution. With a script: its compiled form,
   * from its own snapshot, made on its first run (compiling runs nothing of the script).
   */
  private fresh(slot: Slot, script?: string): { prepared: Prepared; compiled: QuickJSHandle | undefined } {
    if (!slot.prepared || !slot.snapshot) {
      const prepared = this.prepare(slot);
      prepared.ctx.evalCode(lazyGlobals.join(';'), 'warm.js', { type: 'global' }).dispose();
      this.faults(prepared);
      slot.prepared = prepared;
      slot.snapshot = HeapSnapshot.take(slot.memory, slot.firstPayload - 8, slot.ballast);
      slot.at = slot.snapshot;
      slot.dirtyEnd = undefined;
    }
    const prepared = slot.prepared;
    if (script === undefined) {
      this.restore(slot, slot.snapshot);
      return { prepared, compiled: undefined };
    }
    if (slot.compiled.has(script)) {
      const known = slot.compiled.get(script);
      slot.compiled.delete(script);
      slot.compiled.set(script, known);
      this.restore(slot, known?.snapshot ?? slot.snapshot);
      return { prepared, compiled: known?.run };
    }
    this.restore(slot, slot.snapshot);
    const run = compileScriptFunction(prepared.ctx, script);
    const known = run ? { snapshot: slot.snapshot.takeAnother(), run } : undefined;
    if (known) slot.at = known.snapshot;
    else slot.dirtyEnd = Math.max(slot.dirtyEnd ?? 0, slot.snapshot.use().endBytes);
    slot.compiled.set(script, known);
    while (slot.compiled.size > maxCompiledScripts) {
      slot.compiled.delete(slot.compiled.keys().next().value as string);
    }
    return { prepared, compiled: run };
  }

  private restore(slot: Slot, target: HeapSnapshot): void {
    if (slot.at === target && slot.dirtyEnd === undefined) return;
    target.restore(Math.max(slot.dirtyEnd ?? 0, slot.at?.breakBytes ?? 0));
    slot.at = target;
    slot.dirtyEnd = undefined;
  }

  private async execute(
    prepared: Prepared,
    request: WorkerRequest,
    compiled: QuickJSHandle | undefined,
  ): Promise<Outcome> {
    const { ctx, guest } = prepared;
    const context = request.context ?? emptyScriptContext;
    const body = context.body;
    const json = ctx.newString(
      JSON.stringify([request.nowMs ?? 0, contextFields(context), request.secrets ?? {}]),
    );
    const bodyBuffer = ctx.newArrayBuffer(body as unknown as ArrayBuffer);
    let ran: ReturnType<QuickJSContext['callFunction']> | undefined;
    try {
      if (compiled) ran = ctx.callFunction(guest.runScript, ctx.undefined, json, bodyBuffer, compiled);
      else {
        const installed = ctx.callFunction(guest.setContext, ctx.undefined, json, bodyBuffer);
        if (installed.error) return this.consumeFault(prepared, installed.error, 'error');
        installed.value.dispose();
      }
    } finally {
      json.dispose();
      bodyBuffer.dispose();
    }
    if (ran) return this.outcomeOf(prepared, ran);
    const evaluated = evaluateScript(ctx, request.script);
    if (evaluated.kind === 'syntax')
      return { outcome: 'syntax', message: evaluated.message, line: evaluated.line };
    if (evaluated.kind === 'thrown') return this.consumeFault(prepared, evaluated.error, 'error');
    const called = evaluated.value.consume((value) => ctx.callFunction(guest.done, ctx.undefined, value));
    return this.outcomeOf(prepared, called);
  }

  /** A call that returned the promise of a result (see `done` in guest-prelude.ts), or threw. */
  private async outcomeOf(
    prepared: Prepared,
    called: ReturnType<QuickJSContext['callFunction']>,
  ): Promise<Outcome> {
    if (called.error) return this.consumeFault(prepared, called.error, 'error');
    const promise = called.value;
    try {
      return await this.settle(prepared, promise);
    } finally {
      promise.dispose();
    }
  }

  /**
   * Runs the promise's jobs until it settles. With no job left but upstream calls open, waits (on this thread,
   * within the deadline) for one of them to end, settles its guest promise and goes on.
   */
  private async settle(prepared: Prepared, promise: QuickJSHandle): Promise<Outcome> {
    const { runtime, ctx, state } = prepared;
    for (;;) {
      const promiseState = ctx.getPromiseState(promise);
      if (promiseState.type === 'rejected') return this.consumeFault(prepared, promiseState.error, 'error');
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
      if (!runtime.hasPendingJob()) {
        if (state.waiting.length === 0) return { outcome: 'unsettled' };
        if (!settleEndedCalls(ctx, state)) await oneEnded(state);
        continue;
      }
      const jobs = runtime.executePendingJobs(256);
      // A job that threw has already rejected its promise; the loop reads that state.
      if (jobs.error) jobs.error.dispose();
    }
  }

  /** The guest's ['ok', meta, body], ['invalid', reason], ['json-error', error] or ['threw', error]. */
  private readResult(prepared: Prepared, result: QuickJSHandle): Outcome {
    const { ctx } = prepared;
    const part = (index: number) => ctx.getProp(result, index);
    const kind = part(0).consume((h) => ctx.getString(h));
    if (kind === 'threw') return this.consumeFault(prepared, part(1), 'invalid');
    if (kind === 'json-error') {
      return this.consumeFault(prepared, part(1), 'invalid', 'the body cannot be converted to JSON: ');
    }
    if (kind === 'invalid') return { outcome: 'invalid', message: part(1).consume((h) => ctx.getString(h)) };
    const meta = JSON.parse(part(1).consume((h) => ctx.getString(h))) as ResultMeta;
    let body: Uint8Array | undefined;
    if (meta.b === 'raw') body = encodeUtf8(part(2).consume((h) => ctx.getString(h)));
    else if (meta.b === 'text')
      body = encodeUtf8(JSON.parse(part(2).consume((h) => ctx.getString(h))) as string);
    else if (meta.b === 'bytes') {
      body = part(2).consume((h) => ctx.getArrayBuffer(h).consume((view) => new Uint8Array(view.value)));
    }
    const checked = checkResult({
      statusCode: meta.s === null ? undefined : Number(meta.s),
      headers: meta.h === null ? undefined : pairsOf(meta.h),
      body,
    });
    if (checked.outcome !== 'ok') return checked;
    const outcome: Outcome = checked;
    if (meta.k) outcome.skipRequest = true;
    if (meta.t === false) outcome.trackResponse = false;
    return outcome;
  }

  private consumeFault(
    prepared: Prepared,
    error: QuickJSHandle,
    otherwise: 'error' | 'invalid',
    invalidPrefix?: string,
  ): Fault {
    return error.consume((e) => this.classify(prepared, e, otherwise, invalidPrefix));
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

  private drop(slot: Slot): void {
    this.slots.delete(slot.classBytes);
  }

  private prepare(slot: Slot): Prepared {
    const runtime = slot.qjs.newRuntime();
    runtime.setMemoryLimit(slot.classBytes + runtimeBaselineBytes);
    // QuickJS's parser recurses once per nesting level and checks only this limit: without it a deeply nested
    // script overflows the worker's native stack first. Every snapshot holds it, so the save check and the
    // compile of a run (each right after a restore) parse under the same limit.
    runtime.setMaxStackSize(defaultScriptLimits.stackBytes);
    const ctx = runtime.newContext();
    const state: ExecutionState = {
      deadline: Number.POSITIVE_INFINITY,
      interrupted: false,
      console: new ConsoleCapture(),
      upstream: new UpstreamCalls(undefined, Number.POSITIVE_INFINITY),
      waiting: [],
      random: new SeededRandom(noSeed),
    };
    runtime.setInterruptHandler(() => {
      if (Date.now() <= state.deadline) return false;
      state.interrupted = true;
      return true;
    });
    const host = ctx.newFunction('host', (opHandle, ...args) => hostCall(ctx, state, opHandle, args));
    const preludeFn = ctx.unwrapResult(ctx.evalCode(guestCore, 'prelude.js', { type: 'global' }));
    const entries = ctx.unwrapResult(ctx.callFunction(preludeFn, ctx.undefined, host));
    for (const handle of [preludeFn, host]) handle.dispose();
    const entry = (index: number) => ctx.getProp(entries, index);
    const guest: Guest = {
      runScript: entry(0),
      setContext: entry(1),
      done: entry(2),
      intrinsics: entry(3),
    };
    entries.dispose();
    return { runtime, ctx, guest, state };
  }

  private async slotFor(memoryBytes: number): Promise<Slot> {
    const classBytes = scriptMemoryClassBytes(memoryBytes);
    const existing = this.slots.get(classBytes);
    if (existing) {
      // Most recently used last, so the oldest is evicted first.
      this.slots.delete(classBytes);
      this.slots.set(classBytes, existing);
      return existing;
    }
    const slot = await this.newSlot(classBytes);
    this.slots.set(classBytes, slot);
    while (this.slots.size > maxModules) {
      const oldest = this.slots.values().next().value as Slot;
      this.slots.delete(oldest.classBytes);
    }
    return slot;
  }

  /**
   * A module whose heap can hold `classBytes` for the script and no more. QuickJS's own memory limit counts
   * allocations, not bytes, in this build, so the byte cap is the WebAssembly memory's maximum; below the
   * build's 16 MiB minimum, a ballast allocation made once at start takes up the rest.
   */
  private async newSlot(classBytes: number): Promise<Slot> {
    const heapBytes = classBytes + runtimeBaselineBytes;
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
      classBytes,
      qjs: undefined as unknown as QuickJSWASMModule,
      memory,
      prepared: undefined,
      snapshot: undefined,
      compiled: new Map(),
      at: undefined,
      dirtyEnd: undefined,
      ballast: undefined,
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
    if (ballastBytes > 0) {
      const start = heap._malloc(ballastBytes);
      slot.ballast = { start, end: start + ballastBytes };
    }
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

/** A syntax check runs nothing; a run always brings its seed (the sandbox draws one). */
const noSeed = new Uint8Array(32);

const timeoutFault: Fault = { outcome: 'timeout' };
const memoryFault: Fault = { outcome: 'memory' };
const stackFault: Fault = { outcome: 'stack' };

const messageMaxChars = 1_000;
function capMessage(message: string): string {
  return message.length > messageMaxChars ? `${message.slice(0, messageMaxChars)}…` : message;
}

function pairsOf(flat: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as string, flat[i + 1] as string]);
  return pairs;
}

/** Text for the guest's `I.text`: the string itself when a C string can carry it, else JSON in `{ j }`. */
function guestText(ctx: QuickJSContext, text: string): QuickJSHandle {
  if (!text.includes('\0')) return ctx.newString(text);
  const box = ctx.newObject();
  ctx.newString(JSON.stringify(text)).consume((json) => ctx.defineProp(box, 'j', { value: json }));
  return box;
}

function hostCall(
  ctx: QuickJSContext,
  state: ExecutionState,
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
  const bytesOrNone = (index: number) => {
    if (ctx.typeof(arg(index)) === 'undefined') return undefined;
    const data = bytes(index);
    return typeof data === 'string' ? encodeUtf8(data) : data;
  };
  const buffer = (data: Uint8Array) => ctx.newArrayBuffer(data as unknown as ArrayBuffer);
  try {
    switch (op) {
      case 'log':
        state.console.add(text(0) as ConsoleLevel, json(1));
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
        const fatal = ctx.getNumber(arg(1)) === 1;
        const ignoreBOM = ctx.getNumber(arg(2)) === 1;
        return guestText(
          ctx,
          decodeUtf8(typeof data === 'string' ? encodeUtf8(data) : data, fatal, ignoreBOM),
        );
      }
      case 'atob':
        return guestText(ctx, atob(json(0)));
      case 'btoa':
        return ctx.newString(btoa(json(0)));
      case 'hmac':
        return buffer(hmac(text(0) as HashAlgorithm, bytes(1), bytes(2)));
      case 'digest':
        return buffer(digest(text(0) as HashAlgorithm, bytes(1)));
      case 'byteLength':
        return ctx.newNumber(Buffer.byteLength(json(0)));
      case 'uuid':
        return ctx.newString(state.random.uuid());
      case 'random':
        return buffer(state.random.bytes(ctx.getNumber(arg(0))));
      case 'proxy':
        return startUpstreamCall(ctx, state, JSON.parse(text(0)) as UpstreamOptions, bytesOrNone(1));
      default:
        throw new GuestError('TypeError', 'unknown host operation');
    }
  } catch (error) {
    if (error instanceof GuestError) throw { name: error.name, message: error.message };
    throw { name: 'Error', message: 'host operation failed' };
  }
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
function settleEndedCalls(ctx: QuickJSContext, state: ExecutionState): boolean {
  const ended = state.waiting.filter((waiting) => waiting.ended);
  if (ended.length === 0) return false;
  state.waiting = state.waiting.filter((waiting) => !waiting.ended);
  for (const { deferred, ended: how } of ended) {
    if (how && 'response' in how) {
      // [statusCode, headers as JSON, body]: the guest's op makes the response object of them (guest-prelude.ts).
      const { statusCode, headers, body } = how.response;
      const result = ctx.newArray();
      ctx.newNumber(statusCode).consume((h) => ctx.setProp(result, 0, h));
      ctx.newString(JSON.stringify(headers)).consume((h) => ctx.setProp(result, 1, h));
      ctx.newArrayBuffer(body as unknown as ArrayBuffer).consume((h) => ctx.setProp(result, 2, h));
      result.consume((h) => deferred.resolve(h));
    } else {
      const message = how && 'failure' in how ? how.failure : 'Upstream request failed';
      ctx.newError({ name: 'Error', message }).consume((h) => deferred.reject(h));
    }
    deferred.dispose();
  }
  return true;
}

/** Resolves when one of the open calls ends, or at the deadline, whichever is first. */
async function oneEnded(state: ExecutionState): Promise<void> {
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
function endUpstreamCalls(state: ExecutionState): void {
  state.upstream.end();
  for (const { deferred } of state.waiting) deferred.dispose();
  state.waiting = [];
}

function upstreamOf(state: ExecutionState | undefined) {
  const records = state?.upstream.records ?? [];
  return records.length > 0 ? { upstream: records } : {};
}
