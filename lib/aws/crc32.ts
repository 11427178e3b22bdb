// CRC-32 (IEEE 802.3, as zlib computes it): DynamoDB sends it of each answer's body in `x-amz-crc32`. Here in
// JavaScript rather than node:zlib's crc32, whose module would be loaded for it in every cold start (3-5 ms of
// CPU); a store answer is a few KB (a page at most 1 MB).

let table: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  table ??= crcTable();
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (table[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function crcTable(): Uint32Array {
  const entries = new Uint32Array(256);
  for (let index = 0; index < 256; index++) {
    let value = index;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    entries[index] = value;
  }
  return entries;
}
