// Tracked requests in DynamoDB (docs/contract.md §4), capped at N per responder without scanning or deleting: an atomic
// counter numbers the requests, request n goes to slot n mod N, so the (N+1)-th overwrites the oldest.
// Each item carries a TTL of 7 days; DynamoDB deletes expired items lazily, so readers skip them too.
// The request's number is taken before its answer is known (`begin`), so that only the slot write waits for it; a
// request that is then not kept leaves its number unused and its slot with the older entry, never more than N.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { historyTtlSeconds } from '../../limits.ts';
import type { TrackedRequest } from '../../responders/schema.ts';
import { historyCounterSk, historyPk, historySlotSk, historySlotSkPrefix } from '../keys.ts';
import { tableSchema } from '../table.ts';
import type { HistoryEntry, HistoryStore } from '../types.ts';
import { batchDelete } from './batch.ts';

/**
 * The counter outlives the slots it numbered by this much: its TTL is refreshed by every request, so while it
 * exists the numbers go on, and once TTL has taken it every slot is expired, even if the clocks of the writers
 * disagreed by less than this.
 */
const counterTtlMarginSeconds = 24 * 60 * 60;

interface SlotItem {
  pk: string;
  sk: string;
  /** The request's number from the counter: orders the history and guards against a late, older write. */
  seq: number;
  request: string;
  [tableSchema.ttlAttribute]: number;
}

export interface DynamoHistoryStoreOptions {
  documents: DynamoDBDocumentClient;
  tableName: string;
  now?: () => number;
}

export class DynamoHistoryStore implements HistoryStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;

  constructor(options: DynamoHistoryStoreOptions) {
    this.#documents = options.documents;
    this.#table = options.tableName;
    this.#now = options.now ?? Date.now;
  }

  async record(responderId: string, keep: number, request: TrackedRequest): Promise<void> {
    await this.begin(responderId, keep).finish(request);
  }

  begin(responderId: string, keep: number): HistoryEntry {
    if (keep <= 0) return { finish: async () => {} };
    const pk = historyPk(responderId);
    const expiresAt = Math.floor(this.#now() / 1000) + historyTtlSeconds;
    const counted = this.#documents.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk, sk: historyCounterSk },
        UpdateExpression: 'ADD seq :one SET #ttl = :counterExpiresAt',
        ExpressionAttributeNames: { '#ttl': tableSchema.ttlAttribute },
        ExpressionAttributeValues: { ':one': 1, ':counterExpiresAt': expiresAt + counterTtlMarginSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    // Handled here so that a request which never finishes leaves no unhandled rejection; `finish` rethrows it.
    counted.catch(() => {});
    const finish = async (request?: TrackedRequest) => {
      const seq = Number((await counted).Attributes?.seq);
      if (!request) return;
      const item: SlotItem = {
        pk,
        sk: historySlotSk((seq - 1) % keep),
        seq,
        request: JSON.stringify(request),
        [tableSchema.ttlAttribute]: expiresAt,
      };
      try {
        await this.#documents.send(
          new PutCommand({
            TableName: this.#table,
            Item: item,
            // Two requests racing for one slot: the newer one stays. An expired slot is free whatever its number:
            // after TTL took the counter the numbers start again at 1, below those of the old slots still
            // present (TTL deletes days late and in any order), and none of those can be live (see the margin).
            ConditionExpression: 'attribute_not_exists(seq) OR seq < :seq OR #ttl <= :nowSeconds',
            ExpressionAttributeNames: { '#ttl': tableSchema.ttlAttribute },
            ExpressionAttributeValues: { ':seq': seq, ':nowSeconds': Math.floor(this.#now() / 1000) },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    };
    return { finish };
  }

  async list(responderId: string, keep: number): Promise<TrackedRequest[]> {
    if (keep <= 0) return [];
    const slots = await this.#slots(responderId);
    const nowSeconds = Math.floor(this.#now() / 1000);
    return slots
      .filter((slot) => slot[tableSchema.ttlAttribute] > nowSeconds)
      .sort((a, b) => b.seq - a.seq)
      .slice(0, keep)
      .map((slot) => JSON.parse(slot.request) as TrackedRequest);
  }

  async get(responderId: string, requestId: string): Promise<TrackedRequest | undefined> {
    const nowSeconds = Math.floor(this.#now() / 1000);
    for (const slot of await this.#slots(responderId)) {
      if (slot[tableSchema.ttlAttribute] <= nowSeconds) continue;
      const request = JSON.parse(slot.request) as TrackedRequest;
      if (request.id === requestId) return request;
    }
    return undefined;
  }

  async clear(responderId: string): Promise<void> {
    const slots = await this.#slots(responderId);
    await batchDelete(this.#documents, this.#table, [
      { pk: historyPk(responderId), sk: historyCounterSk },
      ...slots.map(({ pk, sk }) => ({ pk, sk })),
    ]);
  }

  async #slots(responderId: string): Promise<SlotItem[]> {
    const slots: SlotItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.#documents.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': historyPk(responderId), ':prefix': historySlotSkPrefix },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      slots.push(...((result.Items ?? []) as SlotItem[]));
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return slots;
  }
}
