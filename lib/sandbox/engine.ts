// One QuickJS execution at a time, inside a sandbox worker: every execution starts from a fresh runtime and
// context (one made per module, then written back from a snapshot of the module's memory after each
// execution: see module-pool.ts and heap-snapshot.ts), memory capped in bytes by the WebAssembly memory itself
// at the limit's size class. This file decides what becomes of a module after an execution and what the
// answer says; executor.ts runs the script.
import { defaultScriptLimits } from '../limits.ts';
import { execute } from './executor.ts';
import { type Fault, memoryFault, stackFault, timeoutFault } from './fault-classify.ts';
import { noSeed } from './guest-context.ts';
import { type ExecutionState, endUpstreamCalls } from './host-calls.ts';
import { ConsoleCapture, SeededRandom } from './host-ops.ts';
import { ModulePool, runtimeBaselineBytes } from './module-pool.ts';
import type { RunAnswer, RunJob } from './protocol.ts';
import type { Outcome } from './result-decode.ts';
import { checkScript } from './script-source.ts';
import type { RecycleReason, SyntaxCheck } from './types.ts';
import { UpstreamCalls, type UpstreamTransport } from './upstream.ts';
import type { WasmLayout } from './wasm-layout.ts';

export class Engine {
  private readonly modules: ModulePool;

  /**
   * @param layout where the stack and heap are in linear memory (see wasm-layout.ts), if known
   * @param upstream what sends scripts' upstream calls (docs/contract.md §13); without it they fail
   */
  constructor(
    wasmModule: WebAssembly.Module,
    layout?: WasmLayout,
    private readonly upstream?: UpstreamTransport,
  ) {
    this.modules = new ModulePool(wasmModule, layout);
  }

  async run(request: RunJob): Promise<RunAnswer> {
    const started = performance.now();
    const { limits } = request;
    const module = await this.modules.moduleFor(limits.memoryBytes);
    module.exhausted = false;
    let state: ExecutionState | undefined;
    let answer: Outcome;
    try {
      // Compiling is inside the try: a script the parser cannot hold must not take the worker down.
      const { guest, compiled } = module.freshFor(request.script);
      state = guest.state;
      state.deadline = Date.now() + limits.deadlineMs;
      state.interrupted = false;
      state.console = new ConsoleCapture();
      state.upstream = new UpstreamCalls(this.upstream, state.deadline);
      state.random = new SeededRandom(request.seed ?? noSeed);
      module.limitStack(guest, limits.stackBytes);
      // The module's memory holds the class; QuickJS's own count (of allocations, not bytes) is all that can
      // hold a script to a smaller limit inside it, and is put back with the snapshot after the execution.
      guest.runtime.setMemoryLimit(limits.memoryBytes + runtimeBaselineBytes);
      try {
        answer = await execute(guest, request, compiled);
      } finally {
        endUpstreamCalls(state);
      }
    } catch (error) {
      // A host fault inside the module (an abort, the host's own stack overflow): the module cannot be trusted
      // any more.
      this.modules.drop(module);
      const fault: Fault = state?.interrupted
        ? timeoutFault
        : module.exhausted
          ? memoryFault
          : error instanceof RangeError
            ? stackFault
            : { outcome: 'error', message: 'the sandbox failed' };
      return {
        ...fault,
        console: state?.console.lines ?? [],
        durationMs: performance.now() - started,
        memoryBytes: module.exhausted ? limits.memoryBytes : 0,
        recycled: 'corrupted',
        ...upstreamOf(state),
      };
    }
    // When the heap hit the limit, QuickJS may throw `null` or a secondary error instead of "out of memory".
    if (module.exhausted && answer.outcome !== 'ok' && answer.outcome !== 'timeout') answer = memoryFault;
    let recycled: RecycleReason | undefined;
    // After out-of-memory the heap is full by definition (and walking it is not worth the risk).
    let memoryBytes = limits.memoryBytes;
    if (module.exhausted || answer.outcome === 'memory') {
      // After out-of-memory QuickJS's own bookkeeping may be inconsistent; the whole module goes instead.
      recycled = 'memory';
      this.modules.drop(module);
    } else {
      memoryBytes = module.written();
      if (module.overHighWaterMark) {
        recycled = 'high-water-mark';
        this.modules.drop(module);
      }
    }
    return {
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
      this.modules.dropClassOf(memoryBytes);
    }
  }

  /** Compile only: never runs the script, under the same stack limit as a run's compile (guest-context.ts). */
  async checkSyntax(script: string): Promise<SyntaxCheck> {
    const module = await this.modules.moduleFor(defaultScriptLimits.memoryBytes);
    module.exhausted = false;
    let fault: ReturnType<typeof checkScript>;
    try {
      fault = checkScript(module.fresh().guest.ctx, script);
    } catch (error) {
      this.modules.drop(module);
      return {
        ok: false,
        message: error instanceof RangeError ? 'stack overflow' : 'the sandbox failed',
        line: 1,
      };
    }
    // After out-of-memory QuickJS's own bookkeeping may be inconsistent (see `run`).
    if (module.exhausted) this.modules.drop(module);
    else module.written();
    return fault ? { ok: false, message: fault.message, line: fault.line } : { ok: true };
  }

  /** Make the runtime and context (first time) or write the last snapshot back, so the next request does not pay for it. */
  async prepareIdle(memoryBytes: number): Promise<void> {
    (await this.modules.moduleFor(memoryBytes)).idle();
  }
}

function upstreamOf(state: ExecutionState | undefined) {
  const records = state?.upstream.records ?? [];
  return records.length > 0 ? { upstream: records } : {};
}
