// Tracked requests in DynamoDB (SPEC §4), capped at N per responder without scanning or deleting: an atomic
// counter numbers the requests, request n goes to slot n mod N, so the (N+1)-th overwrites the oldest.
// Each item carries a TTL of 7 days; DynamoDB deletes expired items lazily, so readers skip them too.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { historyTtlSeconds } from '../../limits.ts';
import type { TrackedRequest } from '../../responders/schema.ts';
import { historyCounterSk, historyPk, historySlotSk, historySlotSkPrefix } from '../keys.ts';
import { tableSchema } from '../table.ts';
import type { HistoryStore } from '../types.ts';
import { batchDelete } from './batch.ts';

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
    if (keep <= 0) return;
    const pk = historyPk(responderId);
    const expiresAt = Math.floor(this.#now() / 1000) + historyTtlSeconds;
    const counted = await this.#documents.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { pk, sk: historyCounterSk },
        UpdateExpression: 'ADD seq :one SET #ttl = :expiresAt',
        ExpressionAttributeNames: { '#ttl': tableSchema.ttlAttribute },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': expiresAt },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = Number(counted.Attributes?.seq);
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
          // Two requests racing for one slot: the newer one stays.
          ConditionExpression: 'attribute_not_exists(seq) OR seq < :seq',
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
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
