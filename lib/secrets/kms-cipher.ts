// The cipher on AWS (docs/contract.md §12): envelope encryption under the stack's KMS key. Each value gets its own random
// data key, which seals the value locally (AES-256-GCM, see cipher.ts) and is stored wrapped by KMS `Encrypt`;
// reading it back takes one KMS `Decrypt`. Both calls carry the namespace and name as the encryption context,
// so KMS itself refuses a wrapped key moved to another secret, and CloudTrail shows which secret was read.

import { randomBytes } from 'node:crypto';
import { HttpKmsClient, type KmsClient } from '../aws/kms-client.ts';
import {
  dataKeyBytes,
  open,
  type SecretBinding,
  type SecretCipher,
  SecretDecryptError,
  seal,
} from './cipher.ts';

/** The first byte of a KMS ciphertext: format ‖ wrapped-key length (2 bytes) ‖ wrapped key ‖ sealed value. */
const kmsFormat = 2;

export interface KmsSecretCipherOptions {
  keyId: string;
  /** The signed KMS client over the function's role credentials unless given. */
  client?: KmsClient;
}

export class KmsSecretCipher implements SecretCipher {
  readonly #keyId: string;
  readonly #client: KmsClient;

  constructor(options: KmsSecretCipherOptions) {
    this.#keyId = options.keyId;
    this.#client = options.client ?? new HttpKmsClient();
  }

  async encrypt(value: string, binding: SecretBinding): Promise<Uint8Array> {
    const dataKey = randomBytes(dataKeyBytes);
    try {
      const { CiphertextBlob } = await this.#client.encrypt({
        KeyId: this.#keyId,
        Plaintext: dataKey,
        EncryptionContext: encryptionContext(binding),
      });
      if (!CiphertextBlob) throw new Error('KMS Encrypt returned no ciphertext');
      const length = Buffer.alloc(3);
      length.writeUInt8(kmsFormat, 0);
      length.writeUInt16BE(CiphertextBlob.byteLength, 1);
      return Buffer.concat([length, CiphertextBlob, seal(dataKey, value, binding)]);
    } finally {
      dataKey.fill(0);
    }
  }

  async decrypt(ciphertext: Uint8Array, binding: SecretBinding): Promise<string> {
    const bytes = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    if (bytes.byteLength < 3 || bytes[0] !== kmsFormat)
      throw new SecretDecryptError(binding, 'not a KMS ciphertext');
    const wrappedEnd = 3 + bytes.readUInt16BE(1);
    let dataKey: Uint8Array | undefined;
    try {
      ({ Plaintext: dataKey } = await this.#client.decrypt({
        KeyId: this.#keyId,
        CiphertextBlob: bytes.subarray(3, wrappedEnd),
        EncryptionContext: encryptionContext(binding),
      }));
    } catch (error) {
      // KMS answers InvalidCiphertextException when the encryption context (namespace, name) does not match.
      if (error instanceof Error && error.name === 'InvalidCiphertextException')
        throw new SecretDecryptError(binding, 'KMS refused the data key');
      throw error;
    }
    if (!dataKey) throw new Error('KMS Decrypt returned no plaintext');
    try {
      return open(dataKey, bytes.subarray(wrappedEnd), binding);
    } finally {
      dataKey.fill(0);
    }
  }
}

function encryptionContext(binding: SecretBinding): Record<string, string> {
  return { namespace: binding.namespace, secret: binding.name };
}
