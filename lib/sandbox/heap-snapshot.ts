// A copy of a QuickJS module's WebAssembly memory taken right after a fresh runtime, context and the script
// API were made, written back after every execution: each execution starts from exactly that state, without
// paying ~3 ms to compile the script API again or ~0.4 ms to free the runtime.
//
// What is copied: everything from address 0 to the heap's break (where dlmalloc's chunks end), except
// - the untouched part of the C stack (emscripten puts 5 MiB of stack between the static data and the heap;
//   at rest nothing lives there, and what an execution leaves there is garbage to the next one), and
// - the ballast of small memory limits (allocated once, never written).
// Memory above the break is zero in a fresh module; what an execution wrote there is zeroed again, so the
// walk over dlmalloc's chunks (which stops at the first zero header) always ends at the break.

import { chunkHeaderBytes, type HeapWalk, walkHeap } from './heap-usage.ts';

/** Granularity of the zero scan that finds the untouched stack. */
const scanPageBytes = 16 * 1024;

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
   * @param ballast a region allocated once and never written, left out of the copy
   */
  static take(
    memory: WebAssembly.Memory,
    firstPayload: number,
    ballast?: { start: number; end: number },
  ): HeapSnapshot {
    const skips = [untouchedStack(memory, firstPayload - chunkHeaderBytes)];
    if (ballast) skips.push({ start: alignUp(ballast.start + 64), end: alignDown(ballast.end - 64) });
    return new HeapSnapshot(
      memory,
      firstPayload,
      skips.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start),
    );
  }

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly firstPayload: number,
    private readonly skips: Skip[],
  ) {
    this.breakBytes = this.use().endBytes;
    const view = new Uint8Array(memory.buffer);
    this.ranges = [];
    let from = 0;
    for (const skip of skips) {
      if (skip.start > from) this.ranges.push({ start: from, bytes: view.slice(from, skip.start) });
      from = Math.max(from, skip.end);
    }
    this.ranges.push({ start: from, bytes: view.slice(from, this.breakBytes) });
  }

  /** A snapshot of the memory as it is now, leaving out what this one leaves out. */
  takeAnother(): HeapSnapshot {
    return new HeapSnapshot(this.memory, this.firstPayload, this.skips);
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

  /** Back to the state the snapshot was taken in; `dirtyEnd` is the highest break since then. */
  restore(dirtyEnd: number): void {
    const view = new Uint8Array(this.memory.buffer);
    if (dirtyEnd > this.breakBytes) view.fill(0, this.breakBytes, Math.min(dirtyEnd + 64, view.length));
    for (const range of this.ranges) view.set(range.bytes, range.start);
  }
}

/** The longest run of all-zero pages below the heap: the part of the C stack nothing has used yet. */
function untouchedStack(memory: WebAssembly.Memory, heapStart: number): { start: number; end: number } {
  const zeroPage = Buffer.alloc(scanPageBytes);
  const pages = alignDown(heapStart) / scanPageBytes;
  // Buffer.compare is a native memcmp: this scan runs in a worker's cold start, where a JavaScript loop over
  // 5 MiB would not be optimised yet.
  const isZero = (page: number) =>
    Buffer.compare(Buffer.from(memory.buffer, page * scanPageBytes, scanPageBytes), zeroPage) === 0;
  let best = { start: 0, end: 0 };
  let runStart = -1;
  for (let page = 0; page <= pages; page++) {
    const zero = page < pages && isZero(page);
    if (zero && runStart < 0) runStart = page;
    if (!zero && runStart >= 0) {
      if ((page - runStart) * scanPageBytes > best.end - best.start) {
        best = { start: runStart * scanPageBytes, end: page * scanPageBytes };
      }
      runStart = -1;
    }
  }
  return best;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / scanPageBytes) * scanPageBytes;
}

function alignDown(bytes: number): number {
  return Math.floor(bytes / scanPageBytes) * scanPageBytes;
}
