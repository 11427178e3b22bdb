// The host side of the guest's built-ins (TextEncoder/Decoder, atob/btoa, crypto, console capture).
// Errors are thrown as `{ name, message }` so that nothing of the host (stack, paths) reaches the script.
import type { Cipher } from 'node:crypto';
import { consoleMaxLineChars, consoleMaxLines, consoleMaxTotalChars } from '../limits.ts';
import type { HashAlgorithm } from './guest/boundary.ts';
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

// node:crypto is taken on first use: a sandbox worker's start does not need it (seeds are drawn on the main
// thread, and most scripts never hash or draw a random byte), and loading it costs a fresh worker ~5 ms of CPU.
const nodeCrypto = () => process.getBuiltinModule('node:crypto');

export function hmac(
  algorithm: HashAlgorithm,
  key: Uint8Array | string,
  data: Uint8Array | string,
): Uint8Array {
  return nodeCrypto().createHmac(algorithm, key).update(data).digest();
}

export function digest(algorithm: HashAlgorithm, data: Uint8Array | string): Uint8Array {
  return nodeCrypto().createHash(algorithm).update(data).digest();
}

/** Bytes in an execution's seed (docs/contract.md §9). */
export const seedBytes = 32;

// Execution seeds drawn from the CSPRNG 32 at a time: one system call per 32 executions instead of one each.
// Every seed is used once.
const seedPool = new Uint8Array(seedBytes * 32);
let seedsUsed = seedPool.length;
export function newSeed(): Uint8Array {
  if (seedsUsed === seedPool.length) {
    nodeCrypto().randomFillSync(seedPool);
    seedsUsed = 0;
  }
  const seed = seedPool.slice(seedsUsed, seedsUsed + seedBytes);
  seedsUsed += seedBytes;
  return seed;
}

const zeroNonce = new Uint8Array(16);
/**
 * The random bytes of one execution: the ChaCha20 keystream of its seed, read in order by Math.random,
 * crypto.getRandomValues and crypto.randomUUID. Strong (a script cannot predict it without the seed), and
 * the same seed gives the same bytes on any process. The cipher is made on first use: most executions never
 * draw a random byte.
 */
export class SeededRandom {
  private cipher: Cipher | undefined;
  constructor(private readonly seed: Uint8Array) {}

  bytes(byteCount: number): Uint8Array {
    this.cipher ??= nodeCrypto().createCipheriv('chacha20', this.seed, zeroNonce);
    const out = this.cipher.update(new Uint8Array(byteCount));
    // A copy in an ArrayBuffer of its own (update may return a view of a shared pool).
    return new Uint8Array(out);
  }

  /** A version 4 UUID, as crypto.randomUUID makes one, from the next 16 bytes. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = ((b[6] as number) & 0x0f) | 0x40;
    b[8] = ((b[8] as number) & 0x3f) | 0x80;
    const hex = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
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
