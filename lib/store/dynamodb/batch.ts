// BatchGetItem takes at most 100 keys and BatchWriteItem 25 requests; both may hand back unprocessed work
// under throttling, which is retried here with a short backoff.
import type { TableClient } from './table-client.ts';

type Key = Record<string, string>;
const batchGetMaxKeys = 100;
const batchWriteMaxRequests = 25;
const maxRounds = 8;

const backoff = (round: number) => new Promise((resolve) => setTimeout(resolve, 20 * 2 ** round));

export async function batchGet(
  client: TableClient,
  tableName: string,
  keys: readonly Key[],
  consistent: boolean,
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += batchGetMaxKeys) {
    let pending: Key[] | undefined = keys.slice(start, start + batchGetMaxKeys);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round >= maxRounds) throw new Error('BatchGetItem left keys unprocessed');
      if (round > 0) await backoff(round);
      const result = await client.batchGet({
        RequestItems: { [tableName]: { Keys: pending, ConsistentRead: consistent } },
      });
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys as Key[] | undefined;
    }
  }
  return found;
}

export function batchDelete(client: TableClient, tableName: string, keys: readonly Key[]): Promise<void> {
  return batchWrite(
    client,
    tableName,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
  );
}

export function batchPut(
  client: TableClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  return batchWrite(
    client,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
  );
}

type WriteRequest = { DeleteRequest: { Key: Key } } | { PutRequest: { Item: Record<string, unknown> } };

async function batchWrite(
  client: TableClient,
  tableName: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  for (let start = 0; start < requests.length; start += batchWriteMaxRequests) {
    let pending = requests.slice(start, start + batchWriteMaxRequests);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= maxRounds) throw new Error('BatchWriteItem left requests unprocessed');
      if (round > 0) await backoff(round);
      const result = await client.batchWrite({ RequestItems: { [tableName]: pending } });
      pending = (result.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  }
}
