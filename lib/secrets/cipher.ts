// Secrets are encrypted at rest (docs/contract.md §12) behind one interface, so the core never knows whether a KMS key
// (on AWS) or a local key (`npm start`) holds them. Both seal a value with AES-256-GCM and bind it to its
// namespace and name as additional authenticated data: a ciphertext copied to another namespace or name does
// not decrypt (the KMS cipher also binds the wrapped data key through its encryption context).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Where a secret belongs; a ciphertext only decrypts under the binding it was sealed with. */
export interface SecretBinding {
  namespace: string;
  name: string;
}

export interface SecretCipher {
  encrypt(value: string, binding: SecretBinding): Promise<Uint8Array>;
  /** Throws SecretDecryptError when the ciphertext is not one of this cipher's for this binding. */
  decrypt(ciphertext: Uint8Array, binding: SecretBinding): Promise<string>;
}

export class SecretDecryptError extends Error {
  constructor(binding: SecretBinding, why: string) {
    // Names only: a secret's value (or any of its bytes) never goes into a message.
    super(`secret ${binding.name} of ${binding.namespace} does not decrypt: ${why}`);
    this.name = 'SecretDecryptError';
  }
}

export const dataKeyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;

/** Unambiguous for any namespace and name (JSON quotes them), and versioned with the format. */
export function additionalData(binding: SecretBinding): Buffer {
  return Buffer.from(JSON.stringify(['webhook-responders/secret/1', binding.namespace, binding.name]));
}

/** iv ‖ tag ‖ ciphertext of `value` under `key`, bound to `binding`. */
export function seal(key: Uint8Array, value: string, binding: SecretBinding): Buffer {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(binding));
  const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

export function open(key: Uint8Array, box: Uint8Array, binding: SecretBinding): string {
  if (box.byteLength < ivBytes + tagBytes) throw new SecretDecryptError(binding, 'too short');
  const bytes = Buffer.from(box.buffer, box.byteOffset, box.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, ivBytes));
  decipher.setAAD(additionalData(binding));
  decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretDecryptError(binding, 'authentication failed (wrong key, namespace or name)');
  }
}
