// The signed JSON client against a real local HTTP server: signing, retries, timeouts, errors, connections.
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32 } from '../../lib/aws/crc32.ts';
import {
  dynamodbProtocol,
  JsonService,
  type JsonServiceOptions,
  kmsProtocol,
} from '../../lib/aws/json-service.ts';
import {
  type FakeAnswer,
  type FakeAws,
  type FakeAwsRequest,
  fakeCredentials,
  startFakeAws,
} from '../support/fake-aws.ts';

let fake: FakeAws | undefined;
let service: JsonService | undefined;
afterEach(async () => {
  service?.destroy();
  await fake?.close();
  service = fake = undefined;
});

async function serve(
  answer: (request: FakeAwsRequest, index: number) => FakeAnswer,
  options: JsonServiceOptions = {},
  protocol = dynamodbProtocol,
) {
  const started = await startFakeAws((request) => answer(request, started.requests.length - 1));
  fake = started;
  service = new JsonService(
    protocol,
    { endpoint: new URL(started.endpoint), region: 'eu-west-1', credentials: fakeCredentials },
    options,
  );
  return { fake: started, service };
}

const ok = (body: unknown = {}): FakeAnswer => ({ status: 200, body });
const dynamoError = (status: number, type: string, message = 'refused'): FakeAnswer => ({
  status,
  body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message },
});

async function rejection(work: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await work;
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  throw new Error('resolved');
}

describe('JsonService', () => {
  it('posts the operation as signed JSON 1.0 to DynamoDB and answers its output', async () => {
    const { fake, service } = await serve(() => ok({ Item: { pk: { S: 'a' } } }));
    const output = await service.call('GetItem', { TableName: 't', Key: { pk: { S: 'a' } } });
    expect(output).toEqual({ Item: { pk: { S: 'a' } } });
    expect(fake.requests).toEqual([
      {
        target: 'DynamoDB_20120810.GetItem',
        contentType: 'application/x-amz-json-1.0',
        input: { TableName: 't', Key: { pk: { S: 'a' } } },
        signatureValid: true,
      },
    ]);
  });

  it('speaks JSON 1.1 to KMS', async () => {
    const { fake, service } = await serve(() => ok({ KeyId: 'k' }), {}, kmsProtocol);
    await service.call('Encrypt', { KeyId: 'k' });
    expect(fake.requests[0]).toMatchObject({
      target: 'TrentService.Encrypt',
      contentType: 'application/x-amz-json-1.1',
      signatureValid: true,
    });
  });

  it('retries a throttled call and answers the output of the attempt that succeeded', async () => {
    const { fake, service } = await serve((_request, index) =>
      index === 0 ? dynamoError(400, 'ProvisionedThroughputExceededException') : ok({ Count: 1 }),
    );
    expect(await service.call('Query', {})).toEqual({ Count: 1 });
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.every((request) => request.signatureValid)).toBe(true);
  });

  it('does not retry a refused condition, and names the error by its type with message and status', async () => {
    const { fake, service } = await serve(() =>
      dynamoError(400, 'ConditionalCheckFailedException', 'The conditional request failed'),
    );
    const error = await rejection(service.call('PutItem', { Item: { secret: { S: 'hunter2' } } }));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      status: 400,
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(fake.requests).toHaveLength(1);
    const everything = `${error.stack} ${JSON.stringify(error)}`;
    expect(everything).not.toContain('hunter2');
    expect(everything).not.toContain(fakeCredentials.secretAccessKey);
  });

  it('surfaces a server error by its type after every attempt failed', async () => {
    const { fake, service } = await serve(() => dynamoError(500, 'InternalServerError', 'internal'));
    const error = await rejection(service.call('Query', {}));
    expect(error).toMatchObject({
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500, attempts: 3 },
    });
    expect(fake.requests).toHaveLength(3);
  });

  it('retries a page that is not the service answer (a 502 from a proxy), named by its status', async () => {
    const { fake, service } = await serve(() => ({ status: 502, raw: '<html>Bad Gateway</html>' }), {
      maxAttempts: 2,
    });
    const error = await rejection(service.call('Query', {}));
    expect(error).toMatchObject({ name: 'Http502Error', $metadata: { httpStatusCode: 502 } });
    expect(fake.requests).toHaveLength(2);
  });

  it('retries an answer whose body does not match its x-amz-crc32, and answers the attempt that does', async () => {
    const output = { Count: 1, Items: [{ pk: { S: 'a' } }] };
    const { fake, service } = await serve((_request, index) => ({
      status: 200,
      body: output,
      headers: { 'x-amz-crc32': String(crc32(Buffer.from(JSON.stringify(output))) ^ (index === 0 ? 1 : 0)) },
    }));
    expect(await service.call('Query', {})).toEqual(output);
    expect(fake.requests).toHaveLength(2);
  });

  it('believes neither output nor error of an answer that never matches its checksum, and says so', async () => {
    const { fake, service } = await serve(
      () => ({
        status: 400,
        body: { __type: 'ConditionalCheckFailedException', message: 'hunter2' },
        headers: { 'x-amz-crc32': '12345' },
      }),
      { maxAttempts: 2 },
    );
    const error = await rejection(service.call('PutItem', {}));
    expect(error).toMatchObject({ name: 'CRC32CheckFailed' });
    expect(error.message).toBe("dynamodb: the answer's body does not match its x-amz-crc32 checksum");
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up on a service that never answers after its timeout, once per attempt', async () => {
    const { fake, service } = await serve(() => 'hang', { requestTimeoutMs: 50, maxAttempts: 2 });
    const error = await rejection(service.call('Query', {}));
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(fake.requests).toHaveLength(2);
  });

  it('reaches an endpoint given as an IPv6 literal', async () => {
    fake = await startFakeAws(() => ok({ Count: 0 }), '::1');
    service = new JsonService(dynamodbProtocol, {
      endpoint: new URL(fake.endpoint),
      region: 'eu-west-1',
      credentials: fakeCredentials,
    });
    expect(await service.call('Query', {})).toEqual({ Count: 0 });
    expect(fake.requests[0]?.signatureValid).toBe(true);
  });

  it('fails with the connection error when nothing listens', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    closed.close();
    await once(closed, 'close');
    service = new JsonService(dynamodbProtocol, {
      endpoint: new URL(`http://127.0.0.1:${port}`),
      region: 'eu-west-1',
      credentials: fakeCredentials,
    });
    expect(await rejection(service.call('Query', {}))).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses an answer that is not JSON without quoting it (it may hold items or a KMS plaintext)', async () => {
    const { service } = await serve(() => ({ status: 200, raw: '{"Plaintext":"c2VjcmV0' }));
    const error = await rejection(service.call('Decrypt', {}));
    expect(error.message).toBe('the answer to Decrypt is not JSON');
  });

  it('keeps its connection open between calls and closes it on destroy', async () => {
    const { fake, service } = await serve(() => ok());
    await service.call('Query', {});
    await service.call('Query', {});
    expect(fake.connections.size).toBe(1);
    const [connection] = fake.connections;
    const closed = once(connection as NonNullable<typeof connection>, 'close');
    service.destroy();
    await closed;
    expect(fake.connections.size).toBe(0);
  });
});
