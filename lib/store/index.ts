// The stores of one process, built from the table name and an optional endpoint (a local DynamoDB).
import { createDynamoClients, type DynamoClientOptions, type DynamoClients } from './dynamodb/client.ts';
import { DynamoHistoryStore } from './dynamodb/history-store.ts';
import { DynamoResponderStore } from './dynamodb/responder-store.ts';
import { DynamoSecretStore } from './dynamodb/secret-store.ts';
import type { HistoryStore, ResponderStore, SecretStore } from './types.ts';

export * from './errors.ts';
export { createTable, tableSchema } from './table.ts';
export type { HistoryStore, ResponderPage, ResponderStore, SecretStore, StoredSecret } from './types.ts';

export interface Stores {
  responders: ResponderStore;
  history: HistoryStore;
  secrets: SecretStore;
  clients: DynamoClients;
}

export function createStores(options: DynamoClientOptions & { tableName: string }): Stores {
  const clients = createDynamoClients(options);
  const history = new DynamoHistoryStore({ documents: clients.documents, tableName: options.tableName });
  const responders = new DynamoResponderStore({
    documents: clients.documents,
    tableName: options.tableName,
    history,
  });
  const secrets = new DynamoSecretStore({ documents: clients.documents, tableName: options.tableName });
  return { responders, history, secrets, clients };
}
