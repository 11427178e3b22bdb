// The stores of a process and its API key store, over one DynamoDB client: what every entry (the Lambda
// handlers, npm start, the operator commands) opens from its configuration.
import { DynamoApiKeyStore } from '../keys/key-store.ts';
import { createStores, type Stores } from '../store/index.ts';

export interface AppStores extends Stores {
  keys: DynamoApiKeyStore;
  /** Ends the client's connections, so that a command's process can exit. */
  close(): void;
}

export function openStores(config: { tableName: string; dynamodbEndpoint?: string | undefined }): AppStores {
  const { tableName, dynamodbEndpoint } = config;
  const stores = createStores({ tableName, ...(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}) });
  return {
    ...stores,
    keys: new DynamoApiKeyStore({ documents: stores.clients.documents, tableName }),
    close: () => stores.clients.client.destroy(),
  };
}
