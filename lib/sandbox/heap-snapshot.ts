// A copy of a QuickJS module's WebAssembly memory taken right after a fresh runtime, context and the script
// API were made, written back after every execution: each execution starts from exactly that state, without
// paying ~3 ms to compile the script API again or ~0.4 ms to free the runtime.
//
// What is copied: everything from address 0 to the heap's break (where dlmalloc's chunks end), except
// - the C stack below the part in use at rest (emscripten puts 5 MiB of stack between the static data and the
//   heap, of which making a context uses ~6 KB), and
// - the ballast of small memory limits (allocated once, never written).
// Memory above the break is zero in a fresh module; what an execution wrote there is zeroed again, so the
// walk over dlmalloc's chunks (which stops at the first zero header) always ends at the break.
//
// The stack left out is found without reading most of it: in a fresh module those pages were never touched,
// and the first read of each costs a page fault (~15-20 ms of CPU for 5 MiB in a worker's cold start). The
// stack grows down from its top (wasm-layout.ts), so the scan goes down from there and stops at the first
// all-zero page: making a context is the host's own code and leaves no page-sized hole in what it uses
// (test/sandbox/heap-snapshot.test.ts reads every byte left out). The low end is the layout's stack low, so
// the BSS just below the stack (written by QuickJS, zero or not) is always copied.
// An execution may write the stack below the rest down to QuickJS's stack limit (plus the few frames between
// its checks): a restore zeroes the pages it wrote there, so the part left out is zero again before each
// execution, as it was after the context was made. It reads only down to the limit the code ran under: the
// first read of a page below costs a fault too, and most scripts run under the default limit.

import { type HeapWalk, walkHeap } from './heap-usage.ts';
import type { WasmLayout } from './wasm-layout.ts';

/** Granularity of the zero scans of the stack. */
const scanPageBytes = 16 * 1024;
/**
 * How far past QuickJS's stack limit C code can write the stack: the frames between two of its checks
 * (measured: at most ~0.5 KB).
 */
const stackSlackBytes = 64 * 1024;

interface Range {
  start: number;
  bytes: Uint8Array;
}

type Skip = { start: number; end: number };

export class HeapSnapshot {
  private readonly ranges: Range[];
  /** The heap's break when the snapshot was taken. */
  readonly breakBytes: number;

  /**
   * @param firstPayload the address the module's first allocation returned (see heap-usage.ts)
   * @param stack where the module's stack is; without it the whole stack is copied
   * @param ballast a region allocated once and never written, left out of the copy
   */
  static take(
    memory: WebAssembly.Memory,
    firstPayload: number,
    stack: WasmLayout | undefined,
    ballast?: { start: number; end: number },
  ): HeapSnapshot {
    const stackSkip = stack ? unusedStack(memory, stack) : { start: 0, end: 0 };
    const skips = [stackSkip];
    if (ballast) skips.push({ start: alignUp(ballast.start + 64), end: alignDown(ballast.end - 64) });
    return new HeapSnapshot(
      memory,
      firstPayload,
      skips.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start),
      { ...stackSkip, top: stack?.stackTop ?? 0 },
    );
  }

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly firstPayload: number,
    /** What the copy leaves out: zero whenever an execution starts. */
    readonly skipped: readonly Skip[],
    /** The part of the stack left out, and the stack's top. */
    private readonly stack: Skip & { top: number },
  ) {
    this.breakBytes = this.use().endBytes;
    const view = new Uint8Array(memory.buffer);
    this.ranges = [];
    let from = 0;
    for (const skip of skipped) {
      if (skip.start > from) this.ranges.push({ start: from, bytes: view.slice(from, skip.start) });
      from = Math.max(from, skip.end);
    }
    this.ranges.push({ start: from, bytes: view.slice(from, this.breakBytes) });
  }

  /** A snapshot of the memory as it is now, leaving out what this one leaves out. */
  takeAnother(): HeapSnapshot {
    return new HeapSnapshot(this.memory, this.firstPayload, this.skipped, this.stack);
  }

  /**
   * The heap as it is now (see heap-usage.ts). If its headers do not add up, everything up to the end of the
   * memory counts as written, so that a restore zeroes it all.
   */
  use(): HeapWalk {
    return (
      walkHeap(this.memory.buffer, this.firstPayload) ?? {
        inUseBytes: 0,
        endBytes: this.memory.buffer.byteLength,
      }
    );
  }

  /**
   * Back to the state the snapshot was taken in.
   * @param dirtyEnd the highest break since then
   * @param stackLimitBytes the largest QuickJS stack limit code ran under since then
   */
  restore(dirtyEnd: number, stackLimitBytes: number): void {
    const view = new Uint8Array(this.memory.buffer);
    if (dirtyEnd > this.breakBytes) view.fill(0, this.breakBytes, Math.min(dirtyEnd + 64, view.length));
    for (const range of this.ranges) view.set(range.bytes, range.start);
    const { start, end, top } = this.stack;
    // Only the pages written are written to: the others stay untouched (or mapped to the zero page).
    const reach = Math.max(start, alignDown(top - stackLimitBytes - stackSlackBytes));
    for (let page = reach; page < end; page += scanPageBytes) {
      if (!isZero(this.memory, page)) view.fill(0, page, page + scanPageBytes);
    }
  }
}

const zeroPage = Buffer.alloc(scanPageBytes);

/** Buffer.compare is a native memcmp: a JavaScript loop would not be optimised yet in a worker's cold start. */
function isZero(memory: WebAssembly.Memory, page: number): boolean {
  return Buffer.compare(Buffer.from(memory.buffer, page, scanPageBytes), zeroPage) === 0;
}

/**
 * The stack below the part in use: from the layout's low end (page-aligned up) to the first all-zero page
 * down from the top (see the top of this file).
 */
function unusedStack(memory: WebAssembly.Memory, stack: WasmLayout): Skip {
  const start = alignUp(stack.stackLow);
  // The page holding the top is copied whatever it holds: the heap starts in it.
  for (let page = alignDown(stack.stackTop) - scanPageBytes; page >= start; page -= scanPageBytes) {
    if (isZero(memory, page)) return { start, end: page + scanPageBytes };
  }
  return { start, end: start };
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / scanPageBytes) * scanPageBytes;
}

function alignDown(bytes: number): number {
  return Math.floor(bytes / scanPageBytes) * scanPageBytes;
}
