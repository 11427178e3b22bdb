// The two ciphers behind SecretCipher (docs/contract.md §12): the local one for real, the KMS one against a
// local stand-in for KMS that checks each request's signature with the SDK's signer and answers as KMS does.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpKmsClient } from '../../lib/aws/kms-client.ts';
import { readAwsEnvironment } from '../../lib/config/read.ts';
import { KmsSecretCipher, LocalSecretCipher, SecretDecryptError } from '../../lib/secrets/index.ts';
import { type FakeAws, fakeCredentials, startFakeAws } from '../support/fake-aws.ts';

const here = { namespace: 'acme', name: 'TOKEN' };

describe('the local cipher', () => {
  it('decrypts what it encrypted, and the ciphertext does not hold the value', async () => {
    const cipher = new LocalSecretCipher();
    const sealed = await cipher.encrypt('hunter2-é', here);
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('hunter2');
    expect(await cipher.decrypt(sealed, here)).toBe('hunter2-é');
  });

  it.each([
    ['another namespace', { namespace: 'other', name: 'TOKEN' }],
    ['another name', { namespace: 'acme', name: 'OTHER' }],
  ])('refuses a ciphertext moved to %s', async (_case, binding) => {
    const cipher = new LocalSecretCipher();
    const sealed = await cipher.encrypt('hunter2', here);
    await expect(cipher.decrypt(sealed, binding)).rejects.toBeInstanceOf(SecretDecryptError);
  });

  it('keeps its key in DATA_DIR across restarts, readable by its owner only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-key-'));
    try {
      const sealed = await (await LocalSecretCipher.inDirectory(dir)).encrypt('hunter2', here);
      expect(await (await LocalSecretCipher.inDirectory(dir)).decrypt(sealed, here)).toBe('hunter2');
      expect((await stat(join(dir, 'secrets.key'))).mode & 0o777).toBe(0o600);
      await expect(new LocalSecretCipher().decrypt(sealed, here)).rejects.toBeInstanceOf(SecretDecryptError);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('the KMS cipher', () => {
  const keyId = 'arn:aws:kms:eu-west-1:123456789012:key/test';
  let kms: FakeAws | undefined;
  let client: HttpKmsClient | undefined;
  afterEach(async () => {
    client?.destroy();
    await kms?.close();
    kms = client = undefined;
  });

  /**
   * KMS as far as the cipher uses it: Encrypt wraps a data key under a random blob; Decrypt hands it back when
   * the encryption context is the one it was wrapped with (or, with `checksContext: false`, whatever it is).
   */
  async function fakeKms(options: { checksContext: boolean }) {
    const wrapped = new Map<string, { plaintext: unknown; context: string }>();
    kms = await startFakeAws(({ target, input }) => {
      const context = JSON.stringify(input.EncryptionContext);
      if (target === 'TrentService.Encrypt') {
        const blob = randomBytes(16).toString('base64');
        wrapped.set(blob, { plaintext: input.Plaintext, context });
        return { status: 200, body: { CiphertextBlob: blob, KeyId: keyId } };
      }
      const key = wrapped.get(String(input.CiphertextBlob));
      if (!key || (options.checksContext && key.context !== context)) {
        return { status: 400, body: { __type: 'InvalidCiphertextException' } };
      }
      return { status: 200, body: { Plaintext: key.plaintext, KeyId: keyId } };
    });
    return kms;
  }

  function kmsClient(endpoint: string, secretAccessKey = fakeCredentials.secretAccessKey) {
    client = new HttpKmsClient({
      endpoint,
      environment: readAwsEnvironment({
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: fakeCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_SESSION_TOKEN: fakeCredentials.sessionToken,
      }),
    });
    return client;
  }

  it('wraps a fresh 32-byte data key with Encrypt and unwraps it with Decrypt, both bound to namespace and name', async () => {
    const kms = await fakeKms({ checksContext: true });
    const cipher = new KmsSecretCipher({ keyId, client: kmsClient(kms.endpoint) });
    const sealed = await cipher.encrypt('hunter2', here);
    expect(await cipher.decrypt(sealed, here)).toBe('hunter2');
    const [encrypt, decrypt] = kms.requests;
    expect(encrypt).toMatchObject({ target: 'TrentService.Encrypt', signatureValid: true });
    expect(encrypt?.input.KeyId).toBe(keyId);
    expect(Buffer.from(String(encrypt?.input.Plaintext), 'base64')).toHaveLength(32);
    expect(encrypt?.input.EncryptionContext).toEqual({ namespace: 'acme', secret: 'TOKEN' });
    expect(decrypt).toMatchObject({ target: 'TrentService.Decrypt', signatureValid: true });
    expect(decrypt?.input).toEqual({
      KeyId: keyId,
      CiphertextBlob: expect.any(String),
      EncryptionContext: { namespace: 'acme', secret: 'TOKEN' },
    });
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('hunter2');
  });

  it('refuses a ciphertext moved to another name even when KMS hands out the data key', async () => {
    const kms = await fakeKms({ checksContext: false });
    const cipher = new KmsSecretCipher({ keyId, client: kmsClient(kms.endpoint) });
    const sealed = await cipher.encrypt('hunter2', here);
    await expect(cipher.decrypt(sealed, { ...here, name: 'OTHER' })).rejects.toBeInstanceOf(
      SecretDecryptError,
    );
    expect(kms.requests.map((request) => request.target)).toEqual([
      'TrentService.Encrypt',
      'TrentService.Decrypt',
    ]);
  });

  it('turns KMS refusing the encryption context into a SecretDecryptError', async () => {
    const kms = await fakeKms({ checksContext: true });
    const cipher = new KmsSecretCipher({ keyId, client: kmsClient(kms.endpoint) });
    const sealed = await cipher.encrypt('hunter2', here);
    await expect(cipher.decrypt(sealed, { ...here, name: 'OTHER' })).rejects.toThrow(
      new SecretDecryptError({ ...here, name: 'OTHER' }, 'KMS refused the data key'),
    );
  });

  it('lets any other KMS error through as it is, named by its type', async () => {
    const kms = await fakeKms({ checksContext: true });
    const cipher = new KmsSecretCipher({ keyId, client: kmsClient(kms.endpoint, 'not-the-secret') });
    await expect(cipher.encrypt('hunter2', here)).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(kms.requests[0]?.signatureValid).toBe(false);
  });
});
