// The QuickJS modules of one worker: one per memory class (`scriptMemoryClassesBytes`), each over a WebAssembly
// memory capped at its class, the compiled WebAssembly shared. A module keeps one runtime and context and the
// snapshots its memory is put back to after every execution (heap-snapshot.ts).
import releaseSync from '@jitl/quickjs-wasmfile-release-sync';
import {
  type CustomizeVariantOptions,
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSHandle,
  type QuickJSSyncVariant,
  type QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { defaultScriptLimits, scriptMemoryClassBytes, scriptMemoryClassesBytes } from '../limits.ts';
import { GuestContext } from './guest-context.ts';
import { HeapSnapshot } from './heap-snapshot.ts';
import { heapBytesInUse } from './heap-usage.ts';
import { CompiledScripts, notCompiled } from './script-cache.ts';
import { compileScriptFunction } from './script-source.ts';
import type { WasmLayout } from './wasm-layout.ts';

// The package's default export is this variant; its CommonJS typings hide that from NodeNext resolution.
const base = releaseSync as unknown as QuickJSSyncVariant;

const pageBytes = 64 * 1024;
/** The QuickJS build declares 256 pages (16 MiB) as its memory's minimum. */
const initialMemoryBytes = 256 * pageBytes;
/**
 * What a fresh runtime, context and the core take before the script allocates anything (measured about
 * 0.3 MiB), with room for the host's own calls (the script source, results) on the module's heap.
 */
export const runtimeBaselineBytes = 1024 * 1024;
/** A module whose memory grew past this (WebAssembly memory never shrinks) is rebuilt to give it back. */
const highWaterMarkBytes = initialMemoryBytes + 16 * 1024 * 1024;
/**
 * Modules kept per worker: one per memory class, so that no mix of limits in use makes a worker rebuild modules
 * (see `scriptMemoryClassesBytes`).
 */
const maxModules = scriptMemoryClassesBytes.length;

/** Emscripten's allocator, which quickjs-emscripten keeps in a field its typings do not declare. */
interface EmscriptenHeap {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}
function heapOf(qjs: QuickJSWASMModule): EmscriptenHeap {
  return (qjs as unknown as { module: EmscriptenHeap }).module;
}

/** One module: its memory, its context and the snapshots that memory is put back to. */
export class PooledModule {
  /** The heap asked for more memory than the limit allows since the last execution started. */
  exhausted = false;
  readonly scripts = new CompiledScripts();
  private prepared: { guest: GuestContext; snapshot: HeapSnapshot } | undefined;
  /** The snapshot the memory was last put back to. */
  private at: HeapSnapshot | undefined;
  /** Something ran since then; the highest heap end it left. */
  private dirtyEnd: number | undefined;
  /** The largest QuickJS stack limit code ran under since then: how deep it can have written the C stack. */
  private stackLimitBytes = defaultScriptLimits.stackBytes;

  constructor(
    /** The memory class: the most any script run in this module may use. */
    readonly classBytes: number,
    readonly memory: WebAssembly.Memory,
    private readonly qjs: QuickJSWASMModule,
    /** The module's first allocation, where a walk of the heap starts (heap-usage.ts). */
    private readonly firstPayload: number,
    private readonly layout: WasmLayout | undefined,
    private readonly ballast: { start: number; end: number } | undefined,
    /** Bytes in use before any runtime exists (the ballast, the bindings' own): not the script's. */
    readonly baselineBytes: number,
  ) {}

  /**
   * The runtime and context as they were right after they were made: made, warmed (every lazily compiled part
   * of the script API and the fault helpers compiled, so no execution compiles them again) and snapshotted on
   * first use, written back from that snapshot after.
   */
  fresh(): { guest: GuestContext; snapshot: HeapSnapshot } {
    const prepared = this.prepare();
    this.restore(prepared.snapshot);
    return prepared;
  }

  private prepare(): { guest: GuestContext; snapshot: HeapSnapshot } {
    if (!this.prepared) {
      const guest = GuestContext.create(this.qjs, this.classBytes + runtimeBaselineBytes);
      guest.warm();
      const snapshot = HeapSnapshot.take(this.memory, this.firstPayload, this.layout, this.ballast);
      this.prepared = { guest, snapshot };
      this.at = snapshot;
      this.dirtyEnd = undefined;
    }
    return this.prepared;
  }

  /**
   * The same, with the script compiled as a function, not run: from its own snapshot, made on its first run
   * (compiling runs nothing of the script). `compiled` is undefined for a script that compiles only as a
   * program.
   */
  freshFor(script: string): { guest: GuestContext; compiled: QuickJSHandle | undefined } {
    const { guest, snapshot } = this.prepare();
    const known = this.scripts.get(script);
    if (known !== notCompiled) {
      this.restore(known?.snapshot ?? snapshot);
      return { guest, compiled: known?.run };
    }
    this.restore(snapshot);
    const run = compileScriptFunction(guest.ctx, script);
    if (run) {
      const compiled = snapshot.takeAnother();
      // The memory is that snapshot now.
      this.at = compiled;
      this.scripts.set(script, { snapshot: compiled, run });
    } else {
      this.written();
      this.scripts.set(script, undefined);
    }
    return { guest, compiled: run };
  }

  /** Puts the memory back to the last snapshot while idle; makes the context the first time. */
  idle(): void {
    if (!this.prepared) this.fresh();
    else if (this.at) this.restore(this.at);
  }

  restore(target: HeapSnapshot): void {
    if (this.at === target && this.dirtyEnd === undefined) return;
    target.restore(Math.max(this.dirtyEnd ?? 0, this.at?.breakBytes ?? 0), this.stackLimitBytes);
    this.at = target;
    this.dirtyEnd = undefined;
    // Every snapshot holds the default limit (guest-context.ts).
    this.stackLimitBytes = defaultScriptLimits.stackBytes;
  }

  /** QuickJS's stack limit until the next restore: always set through here, so that the restore reaches as deep. */
  limitStack(guest: GuestContext, bytes: number): void {
    guest.runtime.setMaxStackSize(bytes);
    this.stackLimitBytes = Math.max(this.stackLimitBytes, bytes);
  }

  /**
   * After code ran: one walk of the heap gives the memory it holds and how far the next restore must clean up.
   * @returns the bytes in use beyond the baseline
   */
  written(): number {
    if (!this.prepared) return 0;
    const heap = this.prepared.snapshot.use();
    this.dirtyEnd = Math.max(this.dirtyEnd ?? 0, heap.endBytes);
    return Math.max(0, heap.inUseBytes - this.baselineBytes);
  }

  /** WebAssembly memory never shrinks: past this mark the module is rebuilt to give it back. */
  get overHighWaterMark(): boolean {
    return this.memory.buffer.byteLength > highWaterMarkBytes;
  }
}

export class ModulePool {
  private readonly modules = new Map<number, PooledModule>();

  /**
   * @param layout where the stack and heap are in linear memory (see wasm-layout.ts); without it, where the
   * heap starts is measured and snapshots copy the whole stack
   */
  constructor(
    private readonly wasmModule: WebAssembly.Module,
    private readonly layout?: WasmLayout,
  ) {
    this.heapStartBytes = layout?.stackTop;
  }

  private heapStartBytes: number | undefined;

  /** The module of the limit's memory class, made if there is none (the least recently used goes). */
  async moduleFor(memoryBytes: number): Promise<PooledModule> {
    const classBytes = scriptMemoryClassBytes(memoryBytes);
    const existing = this.modules.get(classBytes);
    if (existing) {
      // Most recently used last, so the oldest is evicted first.
      this.modules.delete(classBytes);
      this.modules.set(classBytes, existing);
      return existing;
    }
    const made = await this.newModule(classBytes);
    this.modules.set(classBytes, made);
    for (const oldest of this.modules.keys()) {
      if (this.modules.size <= maxModules) break;
      this.modules.delete(oldest);
    }
    return made;
  }

  /** The module cannot be trusted any more (or holds memory it cannot give back): the next use rebuilds it. */
  drop(module: PooledModule): void {
    if (this.modules.get(module.classBytes) === module) this.modules.delete(module.classBytes);
  }

  /** Drops the module of the limit's class, whichever it is. */
  dropClassOf(memoryBytes: number): void {
    this.modules.delete(scriptMemoryClassBytes(memoryBytes));
  }

  /**
   * A module whose heap can hold `classBytes` for the script and no more. QuickJS's own memory limit counts
   * allocations, not bytes, in this build, so the byte cap is the WebAssembly memory's maximum; below the
   * build's 16 MiB minimum, a ballast allocation made once at start takes up the rest.
   */
  private async newModule(classBytes: number): Promise<PooledModule> {
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
    // Emscripten grows the memory through this method; a refusal is how we know the limit was reached. The
    // module does not exist yet while the bindings start, and they never grow the memory then.
    let made: PooledModule | undefined;
    const grow = memory.grow.bind(memory);
    memory.grow = (deltaPages: number) => {
      try {
        return grow(deltaPages);
      } catch (error) {
        if (made) made.exhausted = true;
        throw error;
      }
    };
    const qjs = await this.quickjs(memory);
    const heap = heapOf(qjs);
    const firstPayload = firstAllocation(heap);
    const ballastBytes = initialMemoryBytes - (firstPayload + heapBytes);
    let ballast: { start: number; end: number } | undefined;
    if (ballastBytes > 0) {
      const start = heap._malloc(ballastBytes);
      ballast = { start, end: start + ballastBytes };
    }
    const baselineBytes = heapBytesInUse(memory.buffer, firstPayload) ?? 0;
    made = new PooledModule(classBytes, memory, qjs, firstPayload, this.layout, ballast, baselineBytes);
    return made;
  }

  private quickjs(memory: WebAssembly.Memory): Promise<QuickJSWASMModule> {
    // printErr: QuickJS's abort messages (a known one after out-of-memory) are handled, not printed.
    // The typings leave out these two, which emscripten reads.
    const emscriptenModule = {
      printErr: () => {},
      print: () => {},
    } as CustomizeVariantOptions['emscriptenModule'];
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
    this.heapStartBytes = firstAllocation(heapOf(await this.quickjs(memory)));
    return this.heapStartBytes;
  }
}

function firstAllocation(heap: EmscriptenHeap): number {
  const pointer = heap._malloc(16);
  heap._free(pointer);
  return pointer;
}
