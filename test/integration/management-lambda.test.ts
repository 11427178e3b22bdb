// functions/management.ts as Lambda runs it: API Gateway payload 2.0 events in, results out, against dynalite.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../../lib/keys/api-key.ts';
import { DynamoApiKeyStore } from '../../lib/keys/key-store.ts';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();
const key = generateApiKey();
let handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

beforeAll(async () => {
  process.env.TABLE_NAME = db.dynamo.tableName;
  process.env.DYNAMODB_ENDPOINT = db.dynamo.endpoint;
  await new DynamoApiKeyStore({ client: db.stores.client, tableName: db.dynamo.tableName }).put({
    prefix: apiKeyPrefix(key),
    namespace: 'team-l',
    hash: hashApiKey(key).toString('hex'),
    createdAt: 0,
  });
  ({ handler } = await import('../../functions/management.ts'));
});

const authorized = { authorization: `Bearer ${key}` };
const responder = (path: string) =>
  responderCreateSchema.parse({ name: path, location: { pathType: '=', path }, method: 'GET', settings: {} });

describe('management Lambda handler (payload 2.0)', () => {
  it('creates a responder from a base64-encoded JSON body, as API Gateway may send it', async () => {
    const body = {
      name: 'from lambda',
      location: { pathType: '=', path: '/lambda' },
      method: 'POST',
      settings: { script: "(async () => ({ body: 'é' }))();" },
    };
    const result = await handler(
      apiGatewayEvent({
        method: 'POST',
        rawPath: '/api/responders',
        headers: { ...authorized, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)).toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(result.statusCode).toBe(201);
    expect(result.isBase64Encoded).toBe(false);
    const created = JSON.parse(result.body ?? '');
    expect(created).toMatchObject({ ...body, version: 1 });
    expect(await db.stores.responders.get('team-l', created.id)).toMatchObject({ name: 'from lambda' });
  });

  it('lists with query parameters from rawQueryString and refuses a missing key with 401', async () => {
    // Two responders at least, whichever tests ran before: a page of one is the limit's doing.
    for (const path of ['/listed-1', '/listed-2']) {
      await db.stores.responders.create('team-l', responder(path));
    }
    const page = await handler(
      apiGatewayEvent({
        method: 'GET',
        rawPath: '/api/responders',
        rawQueryString: 'limit=1',
        headers: authorized,
      }),
    );
    expect(page.statusCode).toBe(200);
    expect(JSON.parse(page.body ?? '').items).toHaveLength(1);
    const refused = await handler(apiGatewayEvent({ method: 'GET', rawPath: '/api/responders' }));
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body ?? '')).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    });
  });

  it('refuses a crafted nextToken with a 400 naming it, and logs no error', async () => {
    const token = Buffer.from(JSON.stringify({ pk: 'NS#team-l', sk: `DEF#${'a'.repeat(1100)}` })).toString(
      'base64url',
    );
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(chunk.toString());
      return true;
    });
    const result = await handler(
      apiGatewayEvent({
        method: 'GET',
        rawPath: '/api/responders',
        rawQueryString: `nextToken=${token}`,
        headers: authorized,
      }),
    ).finally(() => stdout.mockRestore());
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body ?? '').error.message).toContain('nextToken');
    expect(written.join('')).toContain('"statusCode":400');
    expect(written.join('')).not.toContain('"level":"ERROR"');
  });

  it('answers 204 with no body for a delete', async () => {
    const { id } = await db.stores.responders.create('team-l', responder('/deleted'));
    const result = await handler(
      apiGatewayEvent({ method: 'DELETE', rawPath: `/api/responders/${id}`, headers: authorized }),
    );
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(await db.stores.responders.get('team-l', id)).toBeUndefined();
  });
});
