// The signed TableClient against a real engine (dynalite, and DynamoDB Local in its project), side by side with
// the SDK's document client: each scenario runs once per client on its own partition, and both transcripts
// must be the same (and right).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTableClient } from '../../lib/store/dynamodb/http-table-client.ts';
import { SdkTableClient } from '../../lib/store/dynamodb/sdk-table-client.ts';
import { isConditionalCheckFailed, type TableClient } from '../../lib/store/dynamodb/table-client.ts';
import { useDynalite } from '../support/dynalite.ts';

const context = useDynalite();
let http: HttpTableClient;
let sdk: TableClient;
beforeAll(() => {
  http = new HttpTableClient({ endpoint: context.dynamo.endpoint });
  sdk = new SdkTableClient({ endpoint: context.dynamo.endpoint });
});
afterAll(() => {
  http?.destroy();
  sdk?.destroy();
});

type Scenario = (client: TableClient, table: string, pk: string) => Promise<unknown>;

/** The scenario's transcript from the signed client, checked equal to the document client's. */
async function sideBySide(name: string, scenario: Scenario): Promise<unknown> {
  const table = context.dynamo.tableName;
  const fromSdk = await scenario(sdk, table, `${name}#sdk`);
  const fromHttp = await scenario(http, table, `${name}#http`);
  expect(renamed(fromHttp, `${name}#http`, name)).toEqual(renamed(fromSdk, `${name}#sdk`, name));
  return renamed(fromHttp, `${name}#http`, name);
}

function renamed(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value.replaceAll(from, to);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => renamed(item, from, to));
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, renamed(inner, from, to)]));
}

async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('succeeded');
}

const everyKind = {
  text: 'héllo ✓',
  empty: '',
  integer: 42,
  negative: -7,
  fraction: 0.1,
  large: Number.MAX_SAFE_INTEGER,
  yes: true,
  no: false,
  nothing: null,
  list: [1, 'two', [3], { four: 4 }, null],
  map: { nested: { deeper: ['x'] } },
  bytes: new Uint8Array([0, 1, 254, 255]),
};

describe('HttpTableClient', () => {
  it('puts and gets an item with every kind of value, leaving undefined ones out', async () => {
    const transcript = await sideBySide('put-get', async (client, table, pk) => {
      await client.put({ TableName: table, Item: { pk, sk: 'A', ...everyKind, gone: undefined } });
      return [
        await client.get({ TableName: table, Key: { pk, sk: 'A' }, ConsistentRead: true }),
        await client.get({ TableName: table, Key: { pk, sk: 'missing' }, ConsistentRead: true }),
      ];
    });
    expect(transcript).toEqual([{ Item: { pk: 'put-get', sk: 'A', ...everyKind } }, {}]);
  });

  it('updates with ADD and answers the new and old values it is asked for', async () => {
    const transcript = await sideBySide('update', async (client, table, pk) => {
      const add = {
        TableName: table,
        Key: { pk, sk: 'COUNTER' },
        UpdateExpression: 'ADD #n :one SET #label = :label',
        ExpressionAttributeNames: { '#n': 'n', '#label': 'label' },
        ExpressionAttributeValues: { ':one': 1, ':label': 'counted' },
      };
      return [
        await client.update({ ...add, ReturnValues: 'UPDATED_NEW' }),
        await client.update({ ...add, ReturnValues: 'ALL_NEW' }),
        await client.update({ ...add, ReturnValues: 'UPDATED_OLD' }),
        await client.update(add),
      ];
    });
    expect(transcript).toEqual([
      { Attributes: { n: 1, label: 'counted' } },
      { Attributes: { pk: 'update', sk: 'COUNTER', n: 2, label: 'counted' } },
      { Attributes: { n: 2, label: 'counted' } },
      {},
    ]);
  });

  it('fails a refused condition with ConditionalCheckFailedException, which isConditionalCheckFailed recognises', async () => {
    await sideBySide('condition', async (client, table, pk) => {
      const put = {
        TableName: table,
        Item: { pk, sk: 'A' },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      };
      await client.put(put);
      const error = await failure(client.put(put));
      expect(isConditionalCheckFailed(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'ConditionalCheckFailedException',
        $metadata: { httpStatusCode: 400 },
      });
      return (error as Error).name;
    });
  });

  it('deletes an item, answering its old values', async () => {
    const transcript = await sideBySide('delete', async (client, table, pk) => {
      await client.put({ TableName: table, Item: { pk, sk: 'A', value: 1 } });
      return [
        await client.delete({ TableName: table, Key: { pk, sk: 'A' }, ReturnValues: 'ALL_OLD' }),
        await client.get({ TableName: table, Key: { pk, sk: 'A' }, ConsistentRead: true }),
      ];
    });
    expect(transcript).toEqual([{ Attributes: { pk: 'delete', sk: 'A', value: 1 } }, {}]);
  });

  it('queries page by page from the key each page ends at, and counts', async () => {
    const transcript = await sideBySide('query', async (client, table, pk) => {
      for (const sk of ['A', 'B', 'C', 'D', 'E']) {
        await client.put({ TableName: table, Item: { pk, sk, bytes: Buffer.from(sk) } });
      }
      const query = {
        TableName: table,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        Limit: 2,
      };
      const pages = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.query({ ...query, ...(start ? { ExclusiveStartKey: start } : {}) });
        pages.push(page);
        start = page.LastEvaluatedKey;
      } while (start);
      const counted = await client.query({ ...query, Select: 'COUNT', Limit: 10 });
      return { pages, counted };
    });
    const { pages, counted } = transcript as {
      pages: Array<{ Items: Array<{ sk: string }> }>;
      counted: unknown;
    };
    expect(pages.flatMap((page) => page.Items.map((item) => item.sk))).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(pages[0]).toMatchObject({ Count: 2, ScannedCount: 2, LastEvaluatedKey: { pk: 'query', sk: 'B' } });
    expect(counted).toEqual({ Count: 5, ScannedCount: 5 });
  });

  it('batch-writes puts and deletes, and batch-gets what is there', async () => {
    const transcript = await sideBySide('batch', async (client, table, pk) => {
      const written = await client.batchWrite({
        RequestItems: {
          [table]: [
            { PutRequest: { Item: { pk, sk: 'A', bytes: new Uint8Array([1]) } } },
            { PutRequest: { Item: { pk, sk: 'B', n: 2 } } },
            { PutRequest: { Item: { pk, sk: 'C' } } },
          ],
        },
      });
      const deleted = await client.batchWrite({
        RequestItems: { [table]: [{ DeleteRequest: { Key: { pk, sk: 'C' } } }] },
      });
      const read = await client.batchGet({
        RequestItems: {
          [table]: { Keys: ['A', 'B', 'C'].map((sk) => ({ pk, sk })), ConsistentRead: true },
        },
      });
      // BatchGetItem answers in no particular order.
      read.Responses?.[table]?.sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
      return { written, deleted, read };
    });
    const table = context.dynamo.tableName;
    expect(transcript).toEqual({
      written: { UnprocessedItems: {} },
      deleted: { UnprocessedItems: {} },
      read: {
        Responses: {
          [table]: [
            { pk: 'batch', sk: 'A', bytes: new Uint8Array([1]) },
            { pk: 'batch', sk: 'B', n: 2 },
          ],
        },
        UnprocessedKeys: {},
      },
    });
  });
});
