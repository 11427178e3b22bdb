// An embedded DynamoDB-compatible store (dynalite) in this process, on a free loopback port, with the table
// created. Used by `npm start` and by the integration tests.
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createDynamoClients } from '../store/dynamodb/client.ts';
import { createTable } from '../store/table.ts';

export interface LocalDynamo {
  endpoint: string;
  tableName: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(
  options: { tableName?: string; dataDir?: string; port?: number } = {},
): Promise<LocalDynamo> {
  const tableName = options.tableName ?? 'webhook-responders';
  // Tables become ACTIVE at once: dynalite's default 500 ms CREATING state only slows starts down.
  const server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const { client } = createDynamoClients({ endpoint });
  try {
    await createTable(client, tableName);
  } finally {
    client.destroy();
  }
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    tableName,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      return closed;
    },
  };
}
