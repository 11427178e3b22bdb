// The stores of a process and its API key store, over one table client. The Lambda functions and npm start
// use the signed client of lib/aws (credentials from the environment, and none of the AWS SDK to load in a
// cold start); the operator commands use the SDK's (lib/cli/command.ts), whose credential chain reads profiles.
import { DynamoApiKeyStore } from '../keys/key-store.ts';
import { HttpTableClient } from '../store/dynamodb/http-table-client.ts';
import type { TableClient } from '../store/dynamodb/table-client.ts';
import { createStores, type Stores } from '../store/index.ts';

export interface AppStores extends Stores {
  keys: DynamoApiKeyStore;
  /** Ends the client's connections, so that a command's process can exit. */
  close(): void;
}

export function storesOver(tableName: string, client: TableClient): AppStores {
  const stores = createStores({ tableName, client });
  return {
    ...stores,
    keys: new DynamoApiKeyStore({ client, tableName }),
    close: () => client.destroy(),
  };
}

/** A function's stores: the configured endpoint (a local store) or DynamoDB in AWS_REGION. */
export function openFunctionStores(config: {
  tableName: string;
  dynamodbEndpoint?: string | undefined;
}): AppStores {
  return storesOver(config.tableName, new HttpTableClient({ endpoint: config.dynamodbEndpoint }));
}
