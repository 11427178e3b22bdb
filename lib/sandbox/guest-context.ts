// One runtime and context of a QuickJS module with the guest core installed (guest/core.ts): the host's entry
// points into it, the state its host operations work on, and the fault helpers once a script has failed.
import type {
  QuickJSContext,
  QuickJSHandle,
  QuickJSRuntime,
  QuickJSWASMModule,
} from 'quickjs-emscripten-core';
import { defaultScriptLimits, scriptResultBodyMaxBytes } from '../limits.ts';
import { type FaultHelpers, type GuestEntries, lazyGlobals } from './guest/boundary.ts';
import { guestCore, guestFaults } from './guest.generated.ts';
import { type ExecutionState, hostCall } from './host-calls.ts';
import { ConsoleCapture, SeededRandom } from './host-ops.ts';
import { UpstreamCalls } from './upstream.ts';

/** A syntax check runs nothing; a run always brings its seed (the sandbox draws one). */
export const noSeed = new Uint8Array(32);

/** Handles of guest/boundary.ts's GuestEntries, by name. */
export type Entries = { [Name in keyof GuestEntries]: QuickJSHandle };
/** Handles of guest/boundary.ts's FaultHelpers, by name. */
export type Faults = { [Name in keyof FaultHelpers]: QuickJSHandle };

export class GuestContext {
  /** Compiled on the first failure (see `faults`); undefined until then. */
  private faultHelpers: Faults | undefined;

  private constructor(
    readonly runtime: QuickJSRuntime,
    readonly ctx: QuickJSContext,
    readonly entries: Entries,
    readonly state: ExecutionState,
  ) {}

  /**
   * A fresh runtime and context with the core installed, under the memory class's limit.
   * @param memoryLimitBytes QuickJS's own count for the whole runtime (see Engine.run)
   */
  static create(qjs: QuickJSWASMModule, memoryLimitBytes: number): GuestContext {
    const runtime = qjs.newRuntime();
    runtime.setMemoryLimit(memoryLimitBytes);
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
    const coreFn = ctx.unwrapResult(ctx.evalCode(guestCore, 'prelude.js', { type: 'global' }));
    const maxBytes = ctx.newNumber(scriptResultBodyMaxBytes);
    const made = ctx.unwrapResult(ctx.callFunction(coreFn, ctx.undefined, host, maxBytes));
    for (const handle of [coreFn, host, maxBytes]) handle.dispose();
    const entries = made.consume(
      (handle): Entries => ({
        runScript: ctx.getProp(handle, 'runScript'),
        setContext: ctx.getProp(handle, 'setContext'),
        done: ctx.getProp(handle, 'done'),
        intrinsics: ctx.getProp(handle, 'intrinsics'),
      }),
    );
    return new GuestContext(runtime, ctx, entries, state);
  }

  /**
   * Reads every lazily installed global, so that the script API is compiled before the snapshot that every
   * execution starts from, and compiles the fault helpers for the same reason.
   */
  warm(): void {
    this.ctx.evalCode(lazyGlobals.join(';'), 'warm.js', { type: 'global' }).dispose();
    this.faults();
  }

  /**
   * The guest's fault helpers, compiled when an execution first fails (most never do). Undefined when even
   * that fails, which only happens with the heap exhausted.
   */
  faults(): Faults | undefined {
    if (this.faultHelpers) return this.faultHelpers;
    const { ctx } = this;
    const compiled = ctx.evalCode(guestFaults, 'faults.js', { type: 'global' });
    if (compiled.error) {
      compiled.error.dispose();
      return undefined;
    }
    const made = compiled.value.consume((fn) => ctx.callFunction(fn, ctx.undefined, this.entries.intrinsics));
    if (made.error) {
      made.error.dispose();
      return undefined;
    }
    this.faultHelpers = made.value.consume((helpers) => ({
      describeError: ctx.getProp(helpers, 'describeError'),
      errorKind: ctx.getProp(helpers, 'errorKind'),
    }));
    return this.faultHelpers;
  }
}
