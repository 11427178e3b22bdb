// API keys of the management API (docs/contract.md §5). A generated key is `wr_<id>_<secret>`: the `wr_<id>` prefix names
// the key in logs and in `npm run keys -- revoke`, the secret is 32 random bytes. Only the SHA-256 of the whole
// key is stored: a key of 256 random bits needs no salt or slow hash, nobody can guess it from its hash.
// Keys chosen by an operator for the local server (API_KEY, API_KEYS) may have any form; their prefix is
// derived from their hash instead, so every key is found by one GetItem on its prefix.
import { createHash, randomBytes } from 'node:crypto';

export const generatedKeyPattern = /^(wr_[a-z0-9]{8})_[A-Za-z0-9_-]{43}$/;
/** What `Authorization: Bearer <key>` may carry: visible ASCII, so a key survives shells and headers as is. */
export const presentableKeyPattern = /^[\x21-\x7e]{1,256}$/;

const idAlphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function generateApiKey(): string {
  // 8 characters of a 36-letter alphabet; the modulo bias of 256 % 36 is irrelevant for an identifier.
  const id = Array.from(randomBytes(8), (byte) => idAlphabet[byte % idAlphabet.length]).join('');
  return `wr_${id}_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The non-secret name of a key: `wr_<id>` for a generated key, `custom_<12 hex of its hash>` otherwise. */
export function apiKeyPrefix(key: string): string {
  const generated = generatedKeyPattern.exec(key);
  if (generated?.[1]) return generated[1];
  return `custom_${hashApiKey(key).toString('hex').slice(0, 12)}`;
}
