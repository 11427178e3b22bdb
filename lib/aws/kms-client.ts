// KMS Encrypt and Decrypt over the signed JSON client (JSON 1.1, blobs in base64), for the secrets cipher
// (lib/secrets/kms-cipher.ts): the two KMS operations the Lambda functions use, without the SDK's KMS client.
// With the store's timeouts and attempts (lib/limits.ts): a webhook request waits on its secrets as on its store.
import { base64ToBytes, bytesToBase64 } from '../base64.ts';
import type { AwsEnvironment } from '../config/read.ts';
import { resolveAwsAccess } from './access.ts';
import { JsonService, type JsonServiceOptions, kmsProtocol } from './json-service.ts';

export interface KmsEncryptInput {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionContext?: Record<string, string>;
}

export interface KmsDecryptInput {
  KeyId?: string;
  CiphertextBlob: Uint8Array;
  EncryptionContext?: Record<string, string>;
}

/** The two operations, with the SDK's names and shapes; errors are named by KMS's error type. */
export interface KmsClient {
  encrypt(input: KmsEncryptInput): Promise<{ CiphertextBlob?: Uint8Array; KeyId?: string }>;
  decrypt(input: KmsDecryptInput): Promise<{ Plaintext?: Uint8Array; KeyId?: string }>;
}

export interface HttpKmsClientOptions extends JsonServiceOptions {
  /** A stand-in's endpoint (tests); unset for KMS in AWS_REGION. */
  endpoint?: string;
  /** Region and credentials; read from the environment when not given. */
  environment?: AwsEnvironment;
}

export class HttpKmsClient implements KmsClient {
  readonly #kms: JsonService;

  constructor(options: HttpKmsClientOptions = {}) {
    const access = resolveAwsAccess(kmsProtocol.service, options.endpoint, options.environment);
    this.#kms = new JsonService(kmsProtocol, access, options);
  }

  async encrypt(input: KmsEncryptInput) {
    const { CiphertextBlob, KeyId } = await this.#kms.call('Encrypt', {
      ...input,
      Plaintext: bytesToBase64(input.Plaintext),
    });
    return { CiphertextBlob: bytes(CiphertextBlob), KeyId: text(KeyId) };
  }

  async decrypt(input: KmsDecryptInput) {
    const { Plaintext, KeyId } = await this.#kms.call('Decrypt', {
      ...input,
      CiphertextBlob: bytesToBase64(input.CiphertextBlob),
    });
    return { Plaintext: bytes(Plaintext), KeyId: text(KeyId) };
  }

  destroy(): void {
    this.#kms.destroy();
  }
}

/** The decoded bytes themselves, not a copy: the cipher zeroes a data key once used. */
const bytes = (value: unknown) => (typeof value === 'string' ? base64ToBytes(value) : undefined);
const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
