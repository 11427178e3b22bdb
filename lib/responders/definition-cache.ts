// Responder definitions cached per namespace for a few seconds, misses included: a request for a known
// namespace costs no DynamoDB call while its entry is fresh (any path, found or not), and a flood of requests
// to an unknown namespace costs one Query per TTL. Concurrent misses for one namespace share one load.
// The cache is bounded: the least recently used namespaces go first.
import { definitionCacheMaxNamespaces, definitionCacheTtlMsDefault } from '../limits.ts';
import { buildRouteTable, type RouteTable } from './routing.ts';
import type { Responder } from './schema.ts';

export interface DefinitionLookup {
  table: RouteTable<Responder>;
  /** True when no store call was needed for this lookup. */
  hit: boolean;
}

export interface DefinitionCacheOptions {
  /** Reads every responder of a namespace (ResponderStore.listAll). */
  load: (namespace: string) => Promise<Responder[]>;
  ttlMs?: number;
  maxNamespaces?: number;
  now?: () => number;
}

interface Entry {
  table: RouteTable<Responder>;
  expiresAtMs: number;
}

export class DefinitionCache {
  readonly #load: (namespace: string) => Promise<Responder[]>;
  readonly #ttlMs: number;
  readonly #maxNamespaces: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #loading = new Map<string, Promise<Entry>>();
  /** Bumped by invalidate: a load that started before a write must not be kept (nor shared) after it. */
  #generation = 0;

  constructor(options: DefinitionCacheOptions) {
    this.#load = options.load;
    this.#ttlMs = options.ttlMs ?? definitionCacheTtlMsDefault;
    this.#maxNamespaces = options.maxNamespaces ?? definitionCacheMaxNamespaces;
    this.#now = options.now ?? Date.now;
  }

  async lookup(namespace: string): Promise<DefinitionLookup> {
    const entry = this.#entries.get(namespace);
    if (entry && entry.expiresAtMs > this.#now()) {
      // Re-inserting keeps the Map in least-recently-used order for eviction.
      this.#entries.delete(namespace);
      this.#entries.set(namespace, entry);
      return { table: entry.table, hit: true };
    }
    let loading = this.#loading.get(namespace);
    if (!loading) {
      const started = this.#fetch(namespace);
      loading = started;
      this.#loading.set(namespace, started);
      // Only this load's own slot is cleared: after an invalidate a newer load may hold it.
      const done = () => {
        if (this.#loading.get(namespace) === started) this.#loading.delete(namespace);
      };
      started.then(done, done);
    }
    const loaded = await loading;
    return { table: loaded.table, hit: false };
  }

  /** Forgets a namespace (or everything), e.g. after the management API changed it in this process. */
  invalidate(namespace?: string): void {
    this.#generation++;
    if (namespace === undefined) {
      this.#entries.clear();
      this.#loading.clear();
    } else {
      this.#entries.delete(namespace);
      this.#loading.delete(namespace);
    }
  }

  async #fetch(namespace: string): Promise<Entry> {
    const generation = this.#generation;
    const table = buildRouteTable(await this.#load(namespace));
    const entry = { table, expiresAtMs: this.#now() + this.#ttlMs };
    if (this.#ttlMs > 0 && generation === this.#generation) {
      this.#entries.delete(namespace);
      this.#entries.set(namespace, entry);
      while (this.#entries.size > this.#maxNamespaces) {
        const oldest = this.#entries.keys().next().value;
        if (oldest === undefined) break;
        this.#entries.delete(oldest);
      }
    }
    return entry;
  }
}
