// startLocal against another DynamoDB (DYNAMODB_ENDPOINT): the table is created there and the demo served.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startLocal } from '../../lib/local/start.ts';
import { createDynamoClients } from '../../lib/store/dynamodb/client.ts';
import { useDynalite } from '../support/dynalite.ts';

const db = useDynalite();

describe('startLocal with DYNAMODB_ENDPOINT', () => {
  it('creates its table in that store and serves the demo namespace from it', async () => {
    const lines: string[] = [];
    const app = await startLocal({
      env: { PORT: '0', HOST: '127.0.0.1', DYNAMODB_ENDPOINT: db.dynamo.endpoint, TABLE_NAME: 'elsewhere' },
      print: (line) => lines.push(line),
    });
    try {
      const response = await fetch(`${app.url}/demo/hello`);
      expect(response.status).toBe(200);
      const { client } = createDynamoClients({ endpoint: db.dynamo.endpoint });
      const { TableNames } = await client.send(new ListTablesCommand({})).finally(() => client.destroy());
      expect(TableNames).toContain('elsewhere');
      expect(lines).toContain(`listening on ${app.url}`);
      expect(lines).toContain(`store: ${db.dynamo.endpoint}`);
    } finally {
      await app.close();
    }
  });

  it('refuses a PORT that is not a port, before starting anything', async () => {
    await expect(startLocal({ env: { PORT: 'eighty' } })).rejects.toThrow(
      'PORT must be 0..65535, not eighty',
    );
  });

  it.each(['0', '-1', '1.5', 'many', '65'])(
    'refuses SANDBOX_WORKERS=%s before starting anything',
    async (value) => {
      await expect(startLocal({ env: { PORT: '0', SANDBOX_WORKERS: value } })).rejects.toThrow(
        `SANDBOX_WORKERS must be an integer 1..64, not ${value}`,
      );
    },
  );
});
