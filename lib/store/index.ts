// The stores of one process over one table client (lib/app/stores.ts picks which).
import { DynamoHistoryStore } from './dynamodb/history-store.ts';
import { DynamoResponderStore } from './dynamodb/responder-store.ts';
import { DynamoSecretStore } from './dynamodb/secret-store.ts';
import type { TableClient } from './dynamodb/table-client.ts';
import type { HistoryStore, ResponderStore, SecretStore } from './types.ts';

export * from './errors.ts';
export { createTable, tableSchema } from './table.ts';
export type { HistoryStore, ResponderPage, ResponderStore, SecretStore, StoredSecret } from './types.ts';

export interface Stores {
  responders: ResponderStore;
  history: HistoryStore;
  secrets: SecretStore;
  /** What the stores talk to the table through; `destroy()` ends its connections. */
  client: TableClient;
}

export function createStores(options: { tableName: string; client: TableClient }): Stores {
  const { tableName, client } = options;
  const history = new DynamoHistoryStore({ client, tableName });
  const responders = new DynamoResponderStore({ client, tableName, history });
  const secrets = new DynamoSecretStore({ client, tableName });
  return { responders, history, secrets, client };
}
