// Where the QuickJS heap starts in linear memory, read from the .wasm file itself. Emscripten lays out
// static data, then the stack, then the heap; the stack pointer global's initial value is the stack's top,
// so the heap begins just above it. Knowing it up front sizes each module's memory without a trial module.

/** The initial value of the module's first global (Emscripten's stack pointer), or undefined if unreadable. */
export function stackTopOf(wasm: Uint8Array): number | undefined {
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
  while (offset < wasm.length) {
    const section = wasm[offset++];
    const size = unsigned();
    const end = offset + size;
    if (section === 6) {
      const count = unsigned();
      const valueType = wasm[offset++];
      offset++; // mutability
      const opcode = wasm[offset++];
      // i32 global initialised by i32.const: the value is a signed LEB128, positive for an address.
      if (count === 0 || valueType !== 0x7f || opcode !== 0x41) return undefined;
      return unsigned();
    }
    offset = end;
  }
  return undefined;
}
