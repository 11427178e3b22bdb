// What the operator commands (`npm run keys`, `npm run responders`) share: the table from the environment,
// one-line errors, and exit status 2 for bad usage (1 for anything that went wrong after that).
import { DynamoApiKeyStore } from '../keys/key-store.ts';
import { createStores, type Stores } from '../store/index.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandStores extends Stores {
  keys: DynamoApiKeyStore;
  close(): void;
}

/** TABLE_NAME (the stack's TableName output) and DYNAMODB_ENDPOINT, or AWS credentials from the usual chain. */
export function storesFromEnv(env: NodeJS.ProcessEnv = process.env): CommandStores {
  const tableName = env.TABLE_NAME;
  if (!tableName) {
    throw new UsageError('TABLE_NAME is not set (the TableName output of the stack, or your local table)');
  }
  const stores = createStores({
    tableName,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  });
  return {
    ...stores,
    keys: new DynamoApiKeyStore({ documents: stores.clients.documents, tableName }),
    close: () => stores.clients.client.destroy(),
  };
}

/** Runs a command's main and exits with its status; errors become one line on stderr. */
export async function runCommand(name: string, usage: string, main: () => Promise<void>): Promise<never> {
  // The SDK warns on every run that releases after January 2027 need Node 22; the lock file pins it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    await main();
    process.exit(0);
  } catch (error) {
    const message =
      error instanceof Error && error.name === 'ResourceNotFoundException'
        ? `table ${process.env.TABLE_NAME} not found (check TABLE_NAME, AWS_REGION or DYNAMODB_ENDPOINT, and the credentials: DynamoDB Local keeps a database per access key and region unless started with -sharedDb)`
        : error instanceof Error
          ? error.message
          : String(error);
    process.stderr.write(`${name}: ${message.split('\n')[0]}\n`);
    if (error instanceof UsageError) process.stderr.write(`usage: ${usage}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  }
}
