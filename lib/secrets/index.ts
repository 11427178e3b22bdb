// Which cipher a process uses (docs/contract.md §12): the stack's KMS key when SECRETS_KMS_KEY_ID names one (the Lambda
// functions), else a local key: kept in DATA_DIR when set, one per run in memory otherwise (`npm start`).
import type { ManagementSecrets } from '../management/types.ts';
import type { SecretStore } from '../store/types.ts';
import type { SecretCipher } from './cipher.ts';
import { KmsSecretCipher } from './kms-cipher.ts';
import { LocalSecretCipher } from './local-cipher.ts';
import { SecretCache } from './secret-cache.ts';

export type { SecretBinding, SecretCipher } from './cipher.ts';
export { SecretDecryptError } from './cipher.ts';
export { KmsSecretCipher } from './kms-cipher.ts';
export { LocalSecretCipher } from './local-cipher.ts';
export { SecretCache } from './secret-cache.ts';

export async function secretCipherFor(config: {
  secretsKmsKeyId?: string | undefined;
  dataDir?: string | undefined;
}): Promise<SecretCipher> {
  if (config.secretsKmsKeyId) return new KmsSecretCipher({ keyId: config.secretsKmsKeyId });
  if (config.dataDir) return LocalSecretCipher.inDirectory(config.dataDir);
  return new LocalSecretCipher();
}

/** The management API's side of the secrets: encrypt on write, decrypt (uncached) for dry runs. */
export function managementSecrets(
  store: SecretStore,
  cipher: SecretCipher,
  invalidate?: (namespace: string) => void,
): ManagementSecrets {
  const source = new SecretCache({ load: (namespace) => store.list(namespace), cipher, ttlMs: 0 });
  return { store, cipher, source, ...(invalidate ? { invalidate } : {}) };
}
