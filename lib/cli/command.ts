// What the operator commands (`npm run keys`, `npm run responders`) share: the table from the configuration
// (lib/config), one-line errors, and exit status 2 for bad usage or a bad setting (1 for anything that went
// wrong after that).
import { type AppStores, storesOver } from '../app/stores.ts';
import { ConfigError, readCommandConfig } from '../config/read.ts';
import { SdkTableClient } from '../store/dynamodb/sdk-table-client.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Runs a command's main and exits with its status; errors become one line on stderr. `main` opens the stores
 * when it needs them, so that a bad argument is reported before a missing TABLE_NAME.
 */
export async function runCommand(
  name: string,
  usage: string,
  main: (openCommandStores: () => AppStores) => Promise<void>,
): Promise<never> {
  // The SDK warns on every run that releases after January 2027 need Node 22; the lock file pins it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let tableName: string | undefined;
  try {
    await main(() => {
      const config = readCommandConfig();
      tableName = config.tableName;
      // The SDK's credential chain: an operator's profile or SSO session, not only environment variables.
      const client = new SdkTableClient(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {});
      return storesOver(config.tableName, client);
    });
    process.exit(0);
  } catch (error) {
    const message =
      error instanceof Error && error.name === 'ResourceNotFoundException'
        ? `table ${tableName} not found (check TABLE_NAME, AWS_REGION or DYNAMODB_ENDPOINT, and the credentials: DynamoDB Local keeps a database per access key and region unless started with -sharedDb)`
        : error instanceof Error
          ? error.message
          : String(error);
    const usageError = error instanceof UsageError || error instanceof ConfigError;
    process.stderr.write(`${name}: ${message.split('\n')[0]}\n`);
    if (usageError) process.stderr.write(`usage: ${usage}\n`);
    process.exit(usageError ? 2 : 1);
  }
}
