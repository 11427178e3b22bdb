// The cipher of `npm start` (docs/contract.md §12): one AES-256 key, kept in DATA_DIR when the store is kept there (so
// secrets survive a restart along with the data), else made fresh for this run and held only in memory.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  dataKeyBytes,
  open,
  type SecretBinding,
  type SecretCipher,
  SecretDecryptError,
  seal,
} from './cipher.ts';

/** The first byte of a local ciphertext (the KMS cipher's differ), so a mix-up fails clearly. */
const localFormat = 1;
export const localKeyFileName = 'secrets.key';

export class LocalSecretCipher implements SecretCipher {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array = randomBytes(dataKeyBytes)) {
    if (key.byteLength !== dataKeyBytes) throw new Error(`a local secrets key is ${dataKeyBytes} bytes`);
    this.#key = key;
  }

  /** The key in `dir`/secrets.key, created (readable by its owner only) on first use. */
  static async inDirectory(dir: string): Promise<LocalSecretCipher> {
    const path = join(dir, localKeyFileName);
    try {
      // `wx`: two processes starting on one DATA_DIR never overwrite each other's key.
      await writeFile(path, randomBytes(dataKeyBytes), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const key = await readFile(path);
    if (key.byteLength !== dataKeyBytes) throw new Error(`${path}: not a ${dataKeyBytes}-byte key`);
    return new LocalSecretCipher(key);
  }

  async encrypt(value: string, binding: SecretBinding): Promise<Uint8Array> {
    return Buffer.concat([Buffer.of(localFormat), seal(this.#key, value, binding)]);
  }

  async decrypt(ciphertext: Uint8Array, binding: SecretBinding): Promise<string> {
    if (ciphertext[0] !== localFormat) throw new SecretDecryptError(binding, 'not a local ciphertext');
    return open(this.#key, ciphertext.subarray(1), binding);
  }
}
