// functions/webhook.ts as Lambda loads it: configured by the environment, called with a v2 event.
import { describe, expect, it } from 'vitest';
import { responderCreateSchema } from '../../lib/responders/schema.ts';
import { useDynalite } from '../support/dynalite.ts';
import { apiGatewayEvent } from '../support/events.ts';

const db = useDynalite();

describe('Lambda webhook handler', () => {
  it('serves a script responder from the table named by TABLE_NAME', async () => {
    await db.stores.responders.create(
      'lambda',
      responderCreateSchema.parse({
        name: 'l',
        location: { pathType: '^', path: '/orders' },
        method: 'POST',
        settings: {
          script:
            '(() => ({ statusCode: 202, body: { got: JSON.parse(Deno.core.decode(context.body)).id } }))()',
        },
      }),
    );
    process.env.TABLE_NAME = db.dynamo.tableName;
    process.env.DYNAMODB_ENDPOINT = db.dynamo.endpoint;
    const { handler } = await import('../../functions/webhook.ts');
    const result = await handler(
      apiGatewayEvent({
        rawPath: '/lambda/orders/42',
        body: Buffer.from('{"id":42}').toString('base64'),
        isBase64Encoded: true,
      }),
    );
    expect(result).toMatchObject({ statusCode: 202, body: '{"got":42}', isBase64Encoded: false });
  });
});
