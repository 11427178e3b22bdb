// What no local engine answers: batch work handed back unprocessed (DynamoDB does under throttling), which
// the batch loops send again, so it must come back as plain values, as the document client gives it.
import { afterEach, describe, expect, it } from 'vitest';
import { readAwsEnvironment } from '../../../lib/config/read.ts';
import { HttpTableClient } from '../../../lib/store/dynamodb/http-table-client.ts';
import { type FakeAnswer, type FakeAws, fakeCredentials, startFakeAws } from '../../support/fake-aws.ts';

let dynamodb: FakeAws | undefined;
let client: HttpTableClient | undefined;
afterEach(async () => {
  client?.destroy();
  await dynamodb?.close();
  dynamodb = client = undefined;
});

async function answering(answer: FakeAnswer): Promise<HttpTableClient> {
  dynamodb = await startFakeAws(() => answer);
  client = new HttpTableClient({
    endpoint: dynamodb.endpoint,
    environment: readAwsEnvironment({
      AWS_ACCESS_KEY_ID: fakeCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fakeCredentials.secretAccessKey,
      AWS_SESSION_TOKEN: fakeCredentials.sessionToken,
    }),
  });
  return client;
}

describe('HttpTableClient', () => {
  it('hands back unprocessed writes as plain items and keys', async () => {
    const table = await answering({
      status: 200,
      body: {
        UnprocessedItems: {
          t: [
            { PutRequest: { Item: { pk: { S: 'P' }, sk: { S: 'A' }, n: { N: '1' }, b: { B: 'AQI=' } } } },
            { DeleteRequest: { Key: { pk: { S: 'P' }, sk: { S: 'B' } } } },
          ],
        },
      },
    });
    const answer = await table.batchWrite({
      RequestItems: {
        t: [
          { PutRequest: { Item: { pk: 'P', sk: 'A', n: 1, b: new Uint8Array([1, 2]) } } },
          { DeleteRequest: { Key: { pk: 'P', sk: 'B' } } },
        ],
      },
    });
    expect(answer).toEqual({
      UnprocessedItems: {
        t: [
          { PutRequest: { Item: { pk: 'P', sk: 'A', n: 1, b: new Uint8Array([1, 2]) } } },
          { DeleteRequest: { Key: { pk: 'P', sk: 'B' } } },
        ],
      },
    });
    expect(dynamodb?.requests[0]).toMatchObject({
      target: 'DynamoDB_20120810.BatchWriteItem',
      signatureValid: true,
      input: {
        RequestItems: {
          t: [
            { PutRequest: { Item: { pk: { S: 'P' }, sk: { S: 'A' }, n: { N: '1' }, b: { B: 'AQI=' } } } },
            { DeleteRequest: { Key: { pk: { S: 'P' }, sk: { S: 'B' } } } },
          ],
        },
      },
    });
  });

  it('hands back unprocessed keys of a batch read as plain keys, with the read settings', async () => {
    const table = await answering({
      status: 200,
      body: {
        Responses: { t: [{ pk: { S: 'P' }, sk: { S: 'A' } }] },
        UnprocessedKeys: { t: { Keys: [{ pk: { S: 'P' }, sk: { S: 'B' } }], ConsistentRead: true } },
      },
    });
    const answer = await table.batchGet({
      RequestItems: {
        t: {
          Keys: [
            { pk: 'P', sk: 'A' },
            { pk: 'P', sk: 'B' },
          ],
          ConsistentRead: true,
        },
      },
    });
    expect(answer).toEqual({
      Responses: { t: [{ pk: 'P', sk: 'A' }] },
      UnprocessedKeys: { t: { Keys: [{ pk: 'P', sk: 'B' }], ConsistentRead: true } },
    });
  });
});
