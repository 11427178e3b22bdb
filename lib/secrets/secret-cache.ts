// The secrets a responder's script sees (docs/contract.md §12), decrypted. The webhook function keeps them per namespace
// for as long as the definition cache keeps definitions (same TTL, same injected clock), so a request costs no
// store read and no KMS call while its namespace's entry is fresh; each value is decrypted on first use only,
// so a responder that names one secret costs one KMS Decrypt, not one per secret of the namespace. The
// management function builds it with a TTL of 0: a dry run reads the store each time.
import { definitionCacheMaxNamespaces, definitionCacheTtlMsDefault } from '../limits.ts';
import type { ResponderSettings } from '../responders/schema.ts';
import type { StoredSecret } from '../store/types.ts';
import type { SecretCipher } from './cipher.ts';

export interface SecretCacheOptions {
  /** Every secret of a namespace (SecretStore.list). */
  load: (namespace: string) => Promise<StoredSecret[]>;
  cipher: SecretCipher;
  ttlMs?: number;
  maxNamespaces?: number;
  now?: () => number;
}

interface Entry {
  ciphertexts: Map<string, Uint8Array>;
  values: Map<string, Promise<string>>;
  expiresAtMs: number;
}

export class SecretCache {
  readonly #options: SecretCacheOptions;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Promise<Entry>>();

  constructor(options: SecretCacheOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? definitionCacheTtlMsDefault;
    this.#now = options.now ?? Date.now;
  }

  /**
   * `context.secrets` for a responder: exactly the secrets its settings allow that exist now (a named secret
   * deleted since is absent). No store read for a responder that allows none. Throws SecretDecryptError when a
   * stored ciphertext does not decrypt under its own namespace and name.
   */
  async forResponder(
    namespace: string,
    allowed: ResponderSettings['secrets'],
  ): Promise<Record<string, string>> {
    const secrets: Record<string, string> = {};
    if (allowed === undefined || allowed === 'none') return secrets;
    const entry = await this.#entry(namespace);
    const names = allowed === 'all' ? [...entry.ciphertexts.keys()] : allowed;
    const values = await Promise.all(names.map((name) => this.#value(namespace, entry, name)));
    names.forEach((name, index) => {
      const value = values[index];
      if (value !== undefined) secrets[name] = value;
    });
    return secrets;
  }

  /** Forgets a namespace, e.g. after the management API changed its secrets in this process. */
  invalidate(namespace: string): void {
    this.#entries.delete(namespace);
  }

  async #entry(namespace: string): Promise<Entry> {
    const cached = this.#entries.get(namespace);
    if (cached) {
      const entry = await cached;
      if (entry.expiresAtMs > this.#now()) return entry;
      if (this.#entries.get(namespace) === cached) this.#entries.delete(namespace);
    }
    const loading = this.#options.load(namespace).then((stored) => ({
      ciphertexts: new Map(stored.map((secret) => [secret.name, secret.ciphertext])),
      values: new Map<string, Promise<string>>(),
      expiresAtMs: this.#now() + this.#ttlMs,
    }));
    if (this.#ttlMs <= 0) return loading;
    // Concurrent misses share one load; a failed one is not kept.
    this.#entries.set(namespace, loading);
    loading.catch(() => {
      if (this.#entries.get(namespace) === loading) this.#entries.delete(namespace);
    });
    while (this.#entries.size > (this.#options.maxNamespaces ?? definitionCacheMaxNamespaces)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return loading;
  }

  #value(namespace: string, entry: Entry, name: string): Promise<string> | undefined {
    let value = entry.values.get(name);
    if (value) return value;
    const ciphertext = entry.ciphertexts.get(name);
    if (!ciphertext) return undefined;
    value = this.#options.cipher.decrypt(ciphertext, { namespace, name });
    entry.values.set(name, value);
    // A failure (KMS throttled, a tampered item) is not remembered: the next request tries again.
    value.catch(() => {
      if (entry.values.get(name) === value) entry.values.delete(name);
    });
    return value;
  }
}
