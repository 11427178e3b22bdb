// The batch loops (batch.ts) under what no local engine produces: requests split at DynamoDB's per-call
// limits, unprocessed work handed back under throttling and retried until done, and a bounded give-up.
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchDelete, batchGet, batchPut } from '../../../lib/store/dynamodb/batch.ts';
import { SdkTableClient } from '../../../lib/store/dynamodb/sdk-table-client.ts';

const table = 'responders';
let client: SdkTableClient;
let mocked: ReturnType<typeof mockClient>;

beforeEach(() => {
  // Never reached: every send is answered by the mock.
  client = new SdkTableClient({ endpoint: 'http://127.0.0.1:9' });
  mocked = mockClient(client.clients.documents);
  // The retry backoff is a timer: fake timers let the tests run every round without waiting for it.
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  mocked.restore();
});

const item = (i: number) => ({ pk: 'P', sk: `S${i}`, n: i });
const items = (count: number) => Array.from({ length: count }, (_, i) => item(i));
const keyOf = (i: number) => ({ pk: 'P', sk: `S${i}` });
const keysOf = (list: Array<{ pk: string; sk: string }>) => list.map(({ pk, sk }) => ({ pk, sk }));

/** Runs `work` to its end, firing the backoff timers it sets on the way. */
async function settle<T>(work: Promise<T>): Promise<T> {
  const outcome = work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  const done = await outcome;
  if ('error' in done) throw done.error;
  return done.value;
}

type WriteRequest = {
  PutRequest?: { Item: Record<string, unknown> };
  DeleteRequest?: { Key: Record<string, unknown> };
};
function writeCalls(): WriteRequest[][] {
  return mocked
    .commandCalls(BatchWriteCommand)
    .map((call) => (call.args[0].input.RequestItems?.[table] ?? []) as WriteRequest[]);
}

describe('batchPut', () => {
  it('writes more than 25 items in calls of at most 25', async () => {
    mocked.on(BatchWriteCommand).resolves({});
    await settle(batchPut(client, table, items(60)));
    const calls = writeCalls();
    expect(calls.map((requests) => requests.length)).toEqual([25, 25, 10]);
    expect(calls.flat().map((request) => request.PutRequest?.Item)).toEqual(items(60));
  });

  it('sends again exactly the items DynamoDB handed back unprocessed, until none are left', async () => {
    const all = items(5);
    const handedBack = [{ PutRequest: { Item: item(1) } }, { PutRequest: { Item: item(3) } }];
    mocked
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [table]: handedBack } })
      .resolvesOnce({ UnprocessedItems: { [table]: [{ PutRequest: { Item: item(3) } }] } })
      .resolves({ UnprocessedItems: {} });
    await settle(batchPut(client, table, all));
    expect(writeCalls()).toEqual([
      all.map((Item) => ({ PutRequest: { Item } })),
      handedBack,
      [{ PutRequest: { Item: item(3) } }],
    ]);
  });

  it('gives up with an error after a bounded number of rounds when DynamoDB keeps handing items back', async () => {
    mocked.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(settle(batchPut(client, table, items(3)))).rejects.toThrow('left requests unprocessed');
    expect(writeCalls()).toHaveLength(8);
  });

  it('lets a throttling error through to the caller (which answers 503)', async () => {
    mocked
      .on(BatchWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(settle(batchPut(client, table, items(3)))).rejects.toBeInstanceOf(
      ProvisionedThroughputExceededException,
    );
  });
});

describe('batchDelete', () => {
  it('deletes more than 25 keys in calls of at most 25, retrying what comes back unprocessed', async () => {
    const keys = keysOf(items(30));
    const handedBack = [{ DeleteRequest: { Key: keyOf(27) } }];
    mocked
      .on(BatchWriteCommand)
      .resolvesOnce({})
      .resolvesOnce({ UnprocessedItems: { [table]: handedBack } })
      .resolves({});
    await settle(batchDelete(client, table, keys));
    const calls = writeCalls();
    expect(calls.map((requests) => requests.length)).toEqual([25, 5, 1]);
    expect(calls[2]).toEqual(handedBack);
    expect(
      calls
        .slice(0, 2)
        .flat()
        .map((request) => request.DeleteRequest?.Key),
    ).toEqual(keys);
  });

  it('gives up with an error after a bounded number of rounds', async () => {
    mocked.on(BatchWriteCommand).callsFake((input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(settle(batchDelete(client, table, keysOf(items(2))))).rejects.toThrow(
      'left requests unprocessed',
    );
  });
});

describe('batchGet', () => {
  it('reads more than 100 keys in calls of at most 100 and returns every item', async () => {
    const all = items(150);
    mocked.on(BatchGetCommand).callsFake((input) => {
      const wanted = input.RequestItems[table].Keys as Array<{ sk: string }>;
      return {
        Responses: { [table]: all.filter((candidate) => wanted.some((key) => key.sk === candidate.sk)) },
      };
    });
    const found = await settle(batchGet(client, table, keysOf(all), true));
    const calls = mocked
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.[table]);
    expect(calls.map((request) => request?.Keys?.length)).toEqual([100, 50]);
    expect(calls.every((request) => request?.ConsistentRead === true)).toBe(true);
    expect(found).toEqual(all);
  });

  it('asks again for the keys handed back unprocessed and merges what every round found', async () => {
    const all = items(3);
    mocked
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [table]: [item(0)] },
        UnprocessedKeys: { [table]: { Keys: [keyOf(1), keyOf(2)] } },
      })
      .resolvesOnce({
        Responses: { [table]: [item(2)] },
        UnprocessedKeys: { [table]: { Keys: [keyOf(1)] } },
      })
      .resolves({ Responses: { [table]: [item(1)] } });
    const found = await settle(batchGet(client, table, keysOf(all), false));
    expect(found).toEqual([item(0), item(2), item(1)]);
    const asked = mocked
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.[table]?.Keys);
    expect(asked).toEqual([keysOf(all), [keyOf(1), keyOf(2)], [keyOf(1)]]);
  });

  it('gives up with an error after a bounded number of rounds', async () => {
    mocked
      .on(BatchGetCommand)
      .callsFake((input) => ({ Responses: { [table]: [] }, UnprocessedKeys: input.RequestItems }));
    await expect(settle(batchGet(client, table, keysOf(items(2)), true))).rejects.toThrow(
      'left keys unprocessed',
    );
  });
});
