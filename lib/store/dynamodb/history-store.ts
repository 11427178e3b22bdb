// Tracked requests in DynamoDB (docs/contract.md §4), capped at N per responder without scanning or deleting: an atomic
// counter numbers the requests, request n goes to slot n mod N, so the (N+1)-th overwrites the oldest.
// Each item carries a TTL of 7 days; DynamoDB deletes expired items lazily, so readers skip them too.
// Each request takes its number and reserves its process's next one while its script runs (a warm process holds the
// number its previous request reserved; a cold one takes two in one counter call), so only the slot write follows
// the answer. A held number older than historyHeldNumberMaxAgeMs is dropped for a fresh one. A number not used (a
// request not kept, a number dropped) leaves its slot with the older entry, never more than N. A clear marks its
// time on the counter and deletes the slots; the numbering goes on (see `clear`).
import { historyHeldNumberMaxAgeMs, historyTtlSeconds } from '../../limits.ts';
import type { TrackedRequest } from '../../responders/schema.ts';
import { historyCounterSk, historyPk, historySlotSk, historySlotSkPrefix } from '../keys.ts';
import { type ItemKey, itemKey, partitionKeyAttributeName, tableSchema } from '../table.ts';
import type { HistoryEntry, HistoryStore } from '../types.ts';
import { batchDelete } from './batch.ts';
import { isConditionalCheckFailed, queryPages, type TableClient } from './table-client.ts';

/**
 * The counter outlives the slots it numbered by this much: its TTL is refreshed by every request, so while it
 * exists the numbers go on, and once TTL has taken it every slot is expired, even if the clocks of the writers
 * disagreed by less than this.
 */
const counterTtlMarginSeconds = 24 * 60 * 60;

interface SlotItem extends ItemKey {
  /** The request's number from the counter: guards the slot against a late, older write; ties in the order. */
  seq: number;
  request: string;
  [tableSchema.ttlAttribute]: number;
}

interface HeldNumber {
  seq: number;
  /** When the counter call that issued it was sent. */
  takenAtMs: number;
}

export interface DynamoHistoryStoreOptions {
  client: TableClient;
  tableName: string;
  now?: () => number;
}

export class DynamoHistoryStore implements HistoryStore {
  readonly #client: TableClient;
  readonly #table: string;
  readonly #now: () => number;
  /** Per responder, the number this process reserved for its next tracked request. */
  readonly #held = new Map<string, HeldNumber>();

  constructor(options: DynamoHistoryStoreOptions) {
    this.#client = options.client;
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
    const held = this.#held.get(responderId);
    this.#held.delete(responderId);
    const { numbered, next } = this.#take(pk, expiresAt, held);
    // Handled here so that a request which never finishes leaves no unhandled rejection; `finish` rethrows it.
    numbered.catch(() => {});
    next.catch(() => {});
    const finish = async (request?: TrackedRequest) => {
      const number = await numbered;
      if (!request) {
        // Unused, a number serves the next request as well as a reserved one: the higher is kept.
        this.#hold(responderId, number);
        const reserved = await next.catch(() => undefined);
        if (reserved) this.#hold(responderId, reserved);
        return;
      }
      // Both awaited: Lambda freezes the process once the handler returns, so nothing may stay in flight.
      const [written, reserved] = await Promise.allSettled([
        this.#put(pk, keep, number.seq, request, expiresAt),
        next,
      ]);
      // A failed reservation loses nothing: the next request takes its number while its script runs.
      const nextNumber = reserved.status === 'fulfilled' ? reserved.value : undefined;
      if (nextNumber) this.#hold(responderId, nextNumber);
      if (written.status === 'rejected') throw written.reason;
      if (written.value || number !== held) return;
      // N numbers or more were issued while this one was held, and the slot keeps a newer one: the newest request
      // must not be the one dropped, so it is written once more, under the number reserved for the next.
      this.#held.delete(responderId);
      const fresh = nextNumber ?? (await this.#count(pk, expiresAt, 1));
      await this.#put(pk, keep, fresh.seq, request, expiresAt);
    };
    return { finish };
  }

  async list(responderId: string, keep: number): Promise<TrackedRequest[]> {
    if (keep <= 0) return [];
    // Newest first by arrival: a held number was issued before the requests other processes numbered meanwhile, so
    // numbers alone could put a request below older ones. The number orders requests that arrived in one millisecond.
    return (await this.#shown(responderId))
      .sort((a, b) => b.request.createdAt - a.request.createdAt || b.seq - a.seq)
      .slice(0, keep)
      .map(({ request }) => request);
  }

  async get(responderId: string, requestId: string): Promise<TrackedRequest | undefined> {
    return (await this.#shown(responderId)).find(({ request }) => request.id === requestId)?.request;
  }

  /**
   * The numbering goes on across a clear: restarted, it would sort below a number a warm process still holds, whose
   * entry would then keep its slot from the restarted numbers' writes, and they would be lost. Instead the clear
   * is marked on the counter first, and a request that arrived before it is never shown, also when it is written
   * after it (in flight during the clear, or numbered by a process that held its number across it).
   */
  async clear(responderId: string): Promise<void> {
    const expiresAt = Math.floor(this.#now() / 1000) + historyTtlSeconds;
    await this.#client.update({
      TableName: this.#table,
      Key: itemKey(historyPk(responderId), historyCounterSk),
      UpdateExpression: 'SET #clearedAtMs = :now, #ttl = :counterExpiresAt',
      ExpressionAttributeNames: { '#clearedAtMs': 'clearedAtMs', '#ttl': tableSchema.ttlAttribute },
      ExpressionAttributeValues: {
        ':now': this.#now(),
        ':counterExpiresAt': expiresAt + counterTtlMarginSeconds,
      },
    });
    const { slots } = await this.#items(responderId);
    await batchDelete(
      this.#client,
      this.#table,
      slots.map(({ pk, sk }) => itemKey(pk, sk)),
    );
  }

  /** Everything of the responder's history, its numbering too: for a responder that is deleted. */
  async remove(responderId: string): Promise<void> {
    const { slots } = await this.#items(responderId);
    await batchDelete(this.#client, this.#table, [
      itemKey(historyPk(responderId), historyCounterSk),
      ...slots.map(({ pk, sk }) => itemKey(pk, sk)),
    ]);
  }

  /**
   * This request's number and the next one's, both asked for while the script runs, so that only the slot write
   * follows the answer: a fresh held number and one more; without one, two numbers in one counter call. A number
   * held too long is dropped (the other processes numbered theirs meanwhile) unless nobody took one since.
   */
  #take(
    pk: string,
    expiresAt: number,
    held: HeldNumber | undefined,
  ): { numbered: Promise<HeldNumber>; next: Promise<HeldNumber | undefined> } {
    if (held && this.#now() - held.takenAtMs < historyHeldNumberMaxAgeMs) {
      return { numbered: Promise.resolve(held), next: this.#count(pk, expiresAt, 1) };
    }
    if (!held) {
      const taken = this.#count(pk, expiresAt, 2);
      return { numbered: taken.then((two) => ({ ...two, seq: two.seq - 1 })), next: taken };
    }
    const taken = this.#count(pk, expiresAt, 1);
    const stillNewest = (one: HeldNumber) => one.seq === held.seq + 1;
    return {
      numbered: taken.then((one) => (stillNewest(one) ? held : one)),
      next: taken.then((one) => (stillNewest(one) ? one : undefined)),
    };
  }

  /**
   * Requests of one process in parallel (a local server; a Lambda environment has one at a time) each reserve a
   * number: the highest is kept, the one nearest the count, so the next request lands no further behind than needed.
   */
  #hold(responderId: string, numbered: HeldNumber): void {
    const held = this.#held.get(responderId);
    if (!held || held.seq < numbered.seq) this.#held.set(responderId, numbered);
  }

  /** Takes `count` numbers; the highest is returned. */
  async #count(pk: string, expiresAt: number, count: number): Promise<HeldNumber> {
    const takenAtMs = this.#now();
    const result = await this.#client.update({
      TableName: this.#table,
      Key: itemKey(pk, historyCounterSk),
      UpdateExpression: 'ADD seq :count SET #ttl = :counterExpiresAt',
      ExpressionAttributeNames: { '#ttl': tableSchema.ttlAttribute },
      ExpressionAttributeValues: {
        ':count': count,
        ':counterExpiresAt': expiresAt + counterTtlMarginSeconds,
      },
      ReturnValues: 'UPDATED_NEW',
    });
    return { seq: Number(result.Attributes?.seq), takenAtMs };
  }

  /** False when the slot keeps a newer entry. */
  async #put(
    pk: string,
    keep: number,
    seq: number,
    request: TrackedRequest,
    expiresAt: number,
  ): Promise<boolean> {
    const item: SlotItem = {
      ...itemKey(pk, historySlotSk((seq - 1) % keep)),
      seq,
      request: JSON.stringify(request),
      [tableSchema.ttlAttribute]: expiresAt,
    };
    try {
      await this.#client.put({
        TableName: this.#table,
        Item: item,
        // Two requests racing for one slot: the newer one stays. An expired slot is free whatever its number:
        // after TTL took the counter the numbers start again at 1, below those of the old slots still
        // present (TTL deletes days late and in any order), and none of those can be live (see the margin).
        ConditionExpression: 'attribute_not_exists(seq) OR seq < :seq OR #ttl <= :nowSeconds',
        ExpressionAttributeNames: { '#ttl': tableSchema.ttlAttribute },
        ExpressionAttributeValues: { ':seq': seq, ':nowSeconds': Math.floor(this.#now() / 1000) },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The entries that are shown: not expired (DynamoDB deletes days late), and arrived after the last clear. */
  async #shown(responderId: string): Promise<Array<{ seq: number; request: TrackedRequest }>> {
    const { slots, clearedAtMs } = await this.#items(responderId);
    const nowSeconds = Math.floor(this.#now() / 1000);
    return slots
      .filter((slot) => slot[tableSchema.ttlAttribute] > nowSeconds)
      .map((slot) => ({ seq: slot.seq, request: JSON.parse(slot.request) as TrackedRequest }))
      .filter(({ request }) => clearedAtMs === undefined || request.createdAt > clearedAtMs);
  }

  /** The slots and the time of the last clear, if any, read in one Query of the history's partition. */
  async #items(responderId: string): Promise<{ slots: SlotItem[]; clearedAtMs: number | undefined }> {
    const slots: SlotItem[] = [];
    let clearedAtMs: number | undefined;
    const pages = queryPages(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: partitionKeyAttributeName,
      ExpressionAttributeValues: { ':pk': historyPk(responderId) },
      ConsistentRead: true,
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sk = item[tableSchema.sortKey];
        if (String(sk).startsWith(historySlotSkPrefix)) slots.push(item as SlotItem);
        else if (sk === historyCounterSk && typeof item.clearedAtMs === 'number')
          clearedAtMs = item.clearedAtMs;
      }
    }
    return { slots, clearedAtMs };
  }
}
