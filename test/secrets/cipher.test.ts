// The two ciphers behind SecretCipher (docs/contract.md §12): the local one for real, the KMS one against a mocked client.

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, InvalidCiphertextException, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { KmsSecretCipher, LocalSecretCipher, SecretDecryptError } from '../../lib/secrets/index.ts';

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
  const wrapped = new Uint8Array([9, 9, 9, 9]);

  function mockedKms() {
    const kms = mockClient(KMSClient);
    let dataKey: Uint8Array | undefined;
    kms.on(EncryptCommand).callsFake((input) => {
      dataKey = Uint8Array.from(input.Plaintext);
      return { CiphertextBlob: wrapped, KeyId: keyId };
    });
    kms.on(DecryptCommand).callsFake(() => ({ Plaintext: Uint8Array.from(dataKey ?? []), KeyId: keyId }));
    return kms;
  }

  it('wraps a fresh 32-byte data key with Encrypt and unwraps it with Decrypt, both bound to namespace and name', async () => {
    const kms = mockedKms();
    const cipher = new KmsSecretCipher({ keyId, client: new KMSClient({ region: 'eu-west-1' }) });
    const sealed = await cipher.encrypt('hunter2', here);
    expect(await cipher.decrypt(sealed, here)).toBe('hunter2');
    const encrypt = kms.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(encrypt?.KeyId).toBe(keyId);
    expect(encrypt?.Plaintext).toHaveLength(32);
    expect(encrypt?.EncryptionContext).toEqual({ namespace: 'acme', secret: 'TOKEN' });
    const decrypt = kms.commandCalls(DecryptCommand)[0]?.args[0].input;
    expect(decrypt).toEqual({
      KeyId: keyId,
      CiphertextBlob: Buffer.from(wrapped),
      EncryptionContext: { namespace: 'acme', secret: 'TOKEN' },
    });
    kms.restore();
  });

  it('refuses a ciphertext moved to another name even when KMS hands out the data key', async () => {
    const kms = mockedKms();
    const cipher = new KmsSecretCipher({ keyId, client: new KMSClient({ region: 'eu-west-1' }) });
    const sealed = await cipher.encrypt('hunter2', here);
    await expect(cipher.decrypt(sealed, { ...here, name: 'OTHER' })).rejects.toBeInstanceOf(
      SecretDecryptError,
    );
    kms.restore();
  });

  it('turns KMS refusing the encryption context into a SecretDecryptError', async () => {
    const kms = mockedKms();
    const cipher = new KmsSecretCipher({ keyId, client: new KMSClient({ region: 'eu-west-1' }) });
    const sealed = await cipher.encrypt('hunter2', here);
    kms
      .on(DecryptCommand)
      .rejects(new InvalidCiphertextException({ message: 'context mismatch', $metadata: {} }));
    await expect(cipher.decrypt(sealed, here)).rejects.toBeInstanceOf(SecretDecryptError);
    kms.restore();
  });
});
