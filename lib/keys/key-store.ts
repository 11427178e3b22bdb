// API keys in the responders table, one item per key under its prefix (layout in lib/store/table.ts).
import { isConditionalCheckFailed, type TableClient } from '../store/dynamodb/table-client.ts';
import { apiKeyPk, apiKeySk } from '../store/keys.ts';
import { ifItemAbsent, ifItemExists, itemKey, tableSchema } from '../store/table.ts';

export interface ApiKeyRecord {
  prefix: string;
  namespace: string;
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  createdAt: number;
  /** Unix seconds; a revoked key is refused like an unknown one. */
  revokedAt?: number;
}

export interface ApiKeyStore {
  /** Stores a new key; with `replace` an existing record of the same prefix is overwritten (local keys). */
  put(record: ApiKeyRecord, options?: { replace?: boolean }): Promise<void>;
  get(prefix: string): Promise<ApiKeyRecord | undefined>;
  /** False when no key has this prefix. Revoking twice is fine. */
  revoke(prefix: string, atSeconds: number): Promise<boolean>;
}

export class ApiKeyExistsError extends Error {
  constructor(prefix: string) {
    super(`a key with prefix ${prefix} exists already`);
    this.name = 'ApiKeyExistsError';
  }
}

export class DynamoApiKeyStore implements ApiKeyStore {
  readonly #client: TableClient;
  readonly #table: string;

  constructor(options: { client: TableClient; tableName: string }) {
    this.#client = options.client;
    this.#table = options.tableName;
  }

  async put(record: ApiKeyRecord, options: { replace?: boolean } = {}): Promise<void> {
    try {
      await this.#client.put({
        TableName: this.#table,
        Item: { ...itemKey(apiKeyPk(record.prefix), apiKeySk), ...record },
        ...(options.replace ? {} : ifItemAbsent),
      });
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new ApiKeyExistsError(record.prefix);
      throw error;
    }
  }

  async get(prefix: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.#client.get({
      TableName: this.#table,
      Key: itemKey(apiKeyPk(prefix), apiKeySk),
      // A revocation must hold at once, not after eventual consistency catches up.
      ConsistentRead: true,
    });
    if (!Item) return undefined;
    const { [tableSchema.partitionKey]: _pk, [tableSchema.sortKey]: _sk, ...record } = Item;
    return record as ApiKeyRecord;
  }

  async revoke(prefix: string, atSeconds: number): Promise<boolean> {
    try {
      await this.#client.update({
        TableName: this.#table,
        Key: itemKey(apiKeyPk(prefix), apiKeySk),
        UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
        ...ifItemExists,
        ExpressionAttributeValues: { ':at': atSeconds },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }
}
