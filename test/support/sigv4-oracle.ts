// The AWS SDK's own SigV4 signer (@smithy/signature-v4, a dev dependency only), as the oracle the signed
// client's requests are checked against: by the signer's tests, and by the fake AWS servers of the tests.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../../lib/aws/access.ts';

/** The Checksum the SDK's signer wants, over node:crypto (HMAC when given a key). */
class Sha256 {
  readonly #hash;
  constructor(key?: string | ArrayBuffer | ArrayBufferView) {
    this.#hash = key === undefined ? createHash('sha256') : createHmac('sha256', bytes(key));
  }
  update(data: Uint8Array): void {
    this.#hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.#hash.digest();
  }
  reset(): void {}
}

function bytes(key: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof key === 'string') return key;
  return ArrayBuffer.isView(key)
    ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
    : new Uint8Array(key);
}

export interface OracleRequest {
  hostname: string;
  port?: number | undefined;
  headers: Record<string, string>;
  body: string;
}

/** The Authorization header the SDK computes for a POST of the body to the endpoint's root. */
export async function oracleAuthorization(
  request: OracleRequest,
  options: { service: string; region: string; credentials: AwsCredentials; date: Date },
): Promise<string | undefined> {
  // applyChecksum: false, as the signed client sends no x-amz-content-sha256 (only S3 needs it).
  const signer = new SignatureV4({ ...options, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: request.hostname,
      ...(request.port === undefined ? {} : { port: request.port }),
      path: '/',
      query: {},
      headers: { ...request.headers },
      body: request.body,
    },
    { signingDate: options.date },
  );
  return signed.headers.authorization;
}
