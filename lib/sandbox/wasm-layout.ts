// Where things live in the QuickJS module's linear memory, read from the .wasm file itself. Emscripten lays
// out static data (the data section, then zero-initialised BSS), then the C stack, then the heap; the stack
// pointer global's initial value is the stack's top, so the heap begins just above it. Knowing it up front
// sizes each module's memory without a trial module, and tells the heap snapshot (heap-snapshot.ts) which
// bytes are stack.
import { readFileSync } from 'node:fs';
import { wasmFilePath } from './files.ts';
import { compileDeferringTierUp } from './wasm-tiering.ts';

/**
 * The C stack of this QuickJS build: emscripten's STACK_SIZE (5 MiB). The .wasm holds it only as a constant
 * its startup code stores beside the stack top; a smaller stack than this would put `low` below the
 * static data, which `layoutOf` refuses (test/sandbox/heap-snapshot.test.ts checks both against a module).
 */
export const stackBytes = 5 * 1024 * 1024;

export interface WasmLayout {
  /** The stack's top (its first byte above), where the heap begins. */
  stackTop: number;
  /** The stack's lowest byte: static data and BSS end at or below it. */
  stackLow: number;
  /** The end of the data section's highest segment (BSS follows it, up to `stackLow`). */
  dataEnd: number;
}

/** The layout of a QuickJS .wasm, or undefined if its sections do not read as emscripten lays them out. */
export function layoutOf(wasm: Uint8Array): WasmLayout | undefined {
  let offset = 8; // magic and version
  const unsigned = () => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = wasm[offset++] ?? 0;
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    return result >>> 0;
  };
  // An i32.const offset or value: a signed LEB128, positive for an address; other expressions are not read.
  const constant = () => (wasm[offset++] === 0x41 ? unsigned() : undefined);
  let stackTop: number | undefined;
  let dataEnd = 0;
  while (offset < wasm.length) {
    const section = wasm[offset++];
    const size = unsigned();
    const end = offset + size;
    if (section === 6) {
      const count = unsigned();
      const valueType = wasm[offset++];
      offset++; // mutability
      if (count === 0 || valueType !== 0x7f) return undefined;
      stackTop = constant();
    }
    if (section === 11) {
      const count = unsigned();
      for (let segment = 0; segment < count; segment++) {
        // Only active segments of memory 0 (flag 0) place bytes at a fixed address.
        if (unsigned() !== 0) return undefined;
        const start = constant();
        if (start === undefined || wasm[offset++] !== 0x0b) return undefined;
        const length = unsigned();
        dataEnd = Math.max(dataEnd, start + length);
        offset += length;
      }
    }
    offset = end;
  }
  if (stackTop === undefined) return undefined;
  const stackLow = stackTop - stackBytes;
  return stackLow >= dataEnd ? { stackTop, stackLow, dataEnd } : undefined;
}

/**
 * The QuickJS WebAssembly compiled, with its layout. Read and compiled synchronously (about 5 ms: V8 compiles
 * the functions on their first call), with tier-up deferred (wasm-tiering.ts).
 */
export function loadQuickJsWasm(): { wasmModule: WebAssembly.Module; layout: WasmLayout | undefined } {
  const bytes = readFileSync(wasmFilePath());
  return { wasmModule: compileDeferringTierUp(bytes), layout: layoutOf(bytes) };
}
