// A namespace's secrets in DynamoDB (item layout in ../table.ts): one item per secret holding the cipher's
// ciphertext, never a value in clear.
//
// The cap of secrets per namespace holds without transactions (dynalite has none): a new secret is written
// with a conditional Put (`attribute_not_exists`), then the namespace's secrets are counted, and a write that
// made them one too many deletes itself again (conditioned on its own write id, so never a concurrent writer's
// replacement) and is refused. Two creates racing for the last place may both be refused; never both kept.

import { randomBytes } from 'node:crypto';
import { secretsPerNamespaceMax } from '../../limits.ts';
import { SecretLimitError } from '../errors.ts';
import { namespacePk, secretSk, secretSkPrefix } from '../keys.ts';
import { type ItemKey, ifItemAbsent, ifItemExists, itemKey, keyAttributeNames } from '../table.ts';
import type { SecretStore, StoredSecret } from '../types.ts';
import { isConditionalCheckFailed, queryPages, type TableClient } from './table-client.ts';

interface SecretItem extends ItemKey {
  name: string;
  updatedAt: number;
  ciphertext: Uint8Array;
  /** Unique per write: lets a refused create delete exactly what it wrote. */
  write: string;
}

export interface DynamoSecretStoreOptions {
  client: TableClient;
  tableName: string;
  maxPerNamespace?: number;
  now?: () => number;
}

export class DynamoSecretStore implements SecretStore {
  readonly #client: TableClient;
  readonly #table: string;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: DynamoSecretStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#max = options.maxPerNamespace ?? secretsPerNamespaceMax;
    this.#now = options.now ?? Date.now;
  }

  async put(namespace: string, name: string, ciphertext: Uint8Array): Promise<void> {
    const item: SecretItem = {
      ...itemKey(namespacePk(namespace), secretSk(name)),
      name,
      updatedAt: Math.floor(this.#now() / 1000),
      ciphertext,
      write: randomBytes(8).toString('hex'),
    };
    // A replacement first: it never changes the count. If the secret was deleted meanwhile, it is a create.
    for (let attempt = 1; ; attempt++) {
      if (await this.#putIf(item, ifItemExists)) return;
      if (await this.#putIf(item, ifItemAbsent)) break;
      if (attempt === 3) throw new Error(`secret ${name}: kept being created and deleted while writing`);
    }
    if ((await this.#count(namespace)) <= this.#max) return;
    try {
      await this.#client.delete({
        TableName: this.#table,
        Key: itemKey(item.pk, item.sk),
        ConditionExpression: '#write = :write',
        ExpressionAttributeNames: { '#write': 'write' },
        ExpressionAttributeValues: { ':write': item.write },
      });
    } catch (error) {
      // Replaced meanwhile by another PUT of the same name: that one is a replacement and may stay.
      if (!isConditionalCheckFailed(error)) throw error;
    }
    throw new SecretLimitError(this.#max);
  }

  async list(namespace: string): Promise<StoredSecret[]> {
    const secrets: StoredSecret[] = [];
    for await (const page of this.#pages(namespace)) {
      for (const item of (page.Items ?? []) as SecretItem[]) {
        secrets.push({ name: item.name, updatedAt: item.updatedAt, ciphertext: item.ciphertext });
      }
    }
    return secrets;
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    try {
      await this.#client.delete({
        TableName: this.#table,
        Key: itemKey(namespacePk(namespace), secretSk(name)),
        ...ifItemExists,
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async #putIf(item: SecretItem, condition: typeof ifItemExists): Promise<boolean> {
    try {
      await this.#client.put({ TableName: this.#table, Item: item, ...condition });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async #count(namespace: string): Promise<number> {
    let count = 0;
    for await (const page of this.#pages(namespace, 'COUNT')) count += page.Count ?? 0;
    return count;
  }

  /** Every page of a namespace's secrets, their items or (with `COUNT`) only how many. */
  #pages(namespace: string, select?: 'COUNT') {
    return queryPages(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: keyAttributeNames,
      ExpressionAttributeValues: { ':pk': namespacePk(namespace), ':prefix': secretSkPrefix },
      ...(select ? { Select: select } : {}),
    });
  }
}
