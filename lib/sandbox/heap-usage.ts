// Bytes in use on a QuickJS module's heap, read from the allocator's own chunk headers.
//
// QuickJS's own memory count walks every object, shape and atom (about as costly as a small script), and in
// this build it counts allocations, not bytes. Emscripten's allocator (dlmalloc) keeps a header before every
// chunk: the chunk's size with its low bits as flags, bit 1 set while the chunk is in use. The heap is one
// contiguous run of chunks from the first allocation to the top chunk, so summing the in-use sizes gives the
// exact bytes held, at a few nanoseconds a chunk.

const inUseBit = 2;
const flagBits = 7;
const headerBytes = 8;
/** A walk longer than this (a heap of tiny chunks beyond any limit) is not trusted. */
const maxChunks = 16_000_000;

/**
 * @param firstPayload the address the module's first allocation returned (the first chunk's payload)
 * @returns the bytes of the chunks in use, headers included, or undefined if the headers do not add up
 */
export function heapBytesInUse(buffer: ArrayBuffer, firstPayload: number): number | undefined {
  const words = new Uint32Array(buffer);
  let chunk = firstPayload - headerBytes;
  let used = 0;
  for (let count = 0; count < maxChunks; count++) {
    if (chunk < 0 || chunk + headerBytes > buffer.byteLength || chunk % 4 !== 0) return undefined;
    const head = words[(chunk + 4) >>> 2] as number;
    const size = head & ~flagBits;
    // The fencepost after the top chunk has no size: the end of the heap.
    if (size === 0) return used;
    if (size < headerBytes * 2) return used;
    if (head & inUseBit) used += size;
    chunk += size;
  }
  return undefined;
}
