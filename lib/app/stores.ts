// The stores of a process and its API key store, over one table client: what every entry (the Lambda
// handlers, npm start, the operator commands) opens from its configuration.
import { DynamoApiKeyStore } from '../keys/key-store.ts';
import type { TableClient } from '../store/dynamodb/table-client.ts';
import { createStores, type Stores } from '../store/index.ts';

export interface AppStores extends Stores {
  keys: DynamoApiKeyStore;
  /** Ends the client's connections, so that a command's process can exit. */
  close(): void;
}

/** Over `client` when given, else over the AWS SDK's client for the configured endpoint. */
export function openStores(
  config: { tableName: string; dynamodbEndpoint?: string | undefined },
  client?: TableClient,
): AppStores {
  const { tableName, dynamodbEndpoint } = config;
  const stores = createStores({
    tableName,
    client,
    ...(dynamodbEndpoint ? { endpoint: dynamodbEndpoint } : {}),
  });
  return {
    ...stores,
    keys: new DynamoApiKeyStore({ client: stores.client, tableName }),
    close: () => stores.client.destroy(),
  };
}
