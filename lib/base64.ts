// Bytes <-> base64, the form bodies take in JSON (history, dry runs, `npm run try`) and in Lambda's events and
// results. Both directions share the bytes' memory instead of copying them: bodies may be megabytes.

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** A plain Uint8Array over the decoded bytes (a Buffer is one too, but callers compare and send plain ones). */
export function base64ToBytes(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
