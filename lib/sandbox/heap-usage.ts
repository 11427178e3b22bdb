// Bytes in use on a QuickJS module's heap, read from the allocator's own chunk headers.
//
// QuickJS's own memory count walks every object, shape and atom (about as costly as a small script), and in
// this build it counts allocations, not bytes. Emscripten's allocator (dlmalloc) keeps a header before every
// chunk: the chunk's size with its low bits as flags, bit 1 set while the chunk is in use. The heap is one
// contiguous run of chunks from the first allocation to the top chunk, so summing the in-use sizes gives the
// exact bytes held, at a few nanoseconds a chunk.

const inUseBit = 2;
const flagBits = 7;
/** dlmalloc's chunk header on wasm32 (two size_t: the previous chunk's size and this one's): a chunk's payload starts this far after the chunk. */
export const chunkHeaderBytes = 8;
/** A walk longer than this (a heap of tiny chunks beyond any limit) is not trusted. */
const maxChunks = 16_000_000;

/** The chunks in use and where the heap ends (the fencepost after the top chunk). */
export interface HeapWalk {
  inUseBytes: number;
  endBytes: number;
}

/**
 * @param firstPayload the address the module's first allocation returned (the first chunk's payload)
 * @returns the bytes of the chunks in use, headers included, and the heap's end; undefined if the headers do
 * not add up
 */
export function walkHeap(buffer: ArrayBuffer, firstPayload: number): HeapWalk | undefined {
  const words = new Uint32Array(buffer);
  let chunk = firstPayload - chunkHeaderBytes;
  let used = 0;
  for (let count = 0; count < maxChunks; count++) {
    if (chunk < 0 || chunk + chunkHeaderBytes > buffer.byteLength || chunk % 4 !== 0) return undefined;
    const head = words[(chunk + 4) >>> 2] as number;
    const size = head & ~flagBits;
    // The fencepost after the top chunk has no size: the end of the heap.
    if (size < chunkHeaderBytes * 2) return { inUseBytes: used, endBytes: chunk };
    if (head & inUseBit) used += size;
    chunk += size;
  }
  return undefined;
}

/** The bytes of the chunks in use, headers included, or undefined if the headers do not add up. */
export function heapBytesInUse(buffer: ArrayBuffer, firstPayload: number): number | undefined {
  return walkHeap(buffer, firstPayload)?.inUseBytes;
}
