// The host side of the guest's built-ins (TextEncoder/Decoder, atob/btoa, crypto, console capture).
// Errors are thrown as `{ name, message }` so that nothing of the host (stack, paths) reaches the script.
import { createHash, createHmac, randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { consoleMaxLineChars, consoleMaxLines, consoleMaxTotalChars } from '../limits.ts';
import type { ConsoleLevel, ConsoleLine } from './types.ts';

export class GuestError {
  constructor(
    readonly name: string,
    readonly message: string,
  ) {}
}

const decoders = new Map<string, InstanceType<typeof TextDecoder>>();
export function decodeUtf8(bytes: Uint8Array, fatal: boolean, ignoreBOM: boolean): string {
  const key = `${fatal}/${ignoreBOM}`;
  let decoder = decoders.get(key);
  if (!decoder) {
    decoder = new TextDecoder('utf-8', { fatal, ignoreBOM });
    decoders.set(key, decoder);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new GuestError('TypeError', 'The encoded data was not valid UTF-8');
  }
}

const encoder = new TextEncoder();
/** Bytes in an ArrayBuffer of their own (Buffer.from may share a pool), so they can be transferred. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

// WHATWG forgiving-base64 decode: ASCII white space is ignored, padding is optional but must be right.
export function atob(data: string): string {
  let text = data.replace(/[\t\n\f\r ]/g, '');
  if (text.length % 4 === 0) text = text.replace(/==?$/, '');
  if (text.length % 4 === 1 || /[^A-Za-z0-9+/]/.test(text)) {
    throw new GuestError('InvalidCharacterError', 'The string to be decoded is not correctly encoded.');
  }
  return Buffer.from(text, 'base64').toString('latin1');
}

export function btoa(data: string): string {
  if (/[^\p{ASCII}\u0080-\u00ff]/u.test(data)) {
    throw new GuestError(
      'InvalidCharacterError',
      'The string to be encoded contains characters outside of Latin1.',
    );
  }
  return Buffer.from(data, 'latin1').toString('base64');
}

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

export function hmac(
  algorithm: HashAlgorithm,
  key: Uint8Array | string,
  data: Uint8Array | string,
): Uint8Array {
  return createHmac(algorithm, key).update(data).digest();
}

export function digest(algorithm: HashAlgorithm, data: Uint8Array | string): Uint8Array {
  return createHash(algorithm).update(data).digest();
}

export function uuid(): string {
  return randomUUID();
}

export function random(byteCount: number): Buffer {
  return randomBytes(byteCount);
}

// Math.random's seeds, four words per execution, drawn from the CSPRNG 1024 words at a time: one system call
// per 256 executions instead of one each. Every word is used once.
const seedPool = new Int32Array(1024);
let seedsUsed = seedPool.length;
export function seedWords(): [number, number, number, number] {
  if (seedsUsed === seedPool.length) {
    randomFillSync(seedPool);
    seedsUsed = 0;
  }
  const at = seedsUsed;
  seedsUsed += 4;
  return [
    seedPool[at] as number,
    seedPool[at + 1] as number,
    seedPool[at + 2] as number,
    seedPool[at + 3] as number,
  ];
}

/** Console lines of one execution, capped in lines, per-line characters and total characters. */
export class ConsoleCapture {
  readonly lines: ConsoleLine[] = [];
  private totalChars = 0;
  private truncated = false;

  add(level: ConsoleLevel, message: string): void {
    if (this.truncated) return;
    let text = message.length > consoleMaxLineChars ? `${message.slice(0, consoleMaxLineChars)}…` : message;
    if (this.lines.length >= consoleMaxLines || this.totalChars >= consoleMaxTotalChars) {
      this.truncated = true;
      this.lines.push({ level: 'warn', message: '[console output truncated]' });
      return;
    }
    if (this.totalChars + text.length > consoleMaxTotalChars) {
      text = `${text.slice(0, consoleMaxTotalChars - this.totalChars)}…`;
    }
    this.totalChars += text.length;
    this.lines.push({ level, message: text });
  }
}
