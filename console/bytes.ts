// How a body is shown (docs/contract.md §11): text, pretty JSON, or a hex dump when it is not text. Bodies come from
// public callers and scripts: they only ever become text nodes.

export function bytesFromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export function base64FromText(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export type BodyView = 'text' | 'json' | 'hex';

/** Text when the bytes are UTF-8 without control characters (tab and line breaks aside), else undefined. */
export function bodyText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what marks a binary body
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

export function prettyJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

export function defaultBodyView(bytes: Uint8Array): BodyView {
  const text = bodyText(bytes);
  if (text === undefined) return 'hex';
  return text.trim() !== '' && prettyJson(text) !== undefined ? 'json' : 'text';
}

/** 16 bytes a line: offset, hex, and the printable ASCII beside it. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = Array.from(row, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (byte) =>
      byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.',
    ).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

export function showBody(bytes: Uint8Array, view: BodyView): string {
  if (view === 'hex') return hexDump(bytes);
  const text = bodyText(bytes) ?? new TextDecoder().decode(bytes);
  return view === 'json' ? (prettyJson(text) ?? text) : text;
}
