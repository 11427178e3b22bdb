// `npm run keys -- create <namespace>` / `npm run keys -- revoke <prefix>`: API keys of the management API,
// written straight into the table (TABLE_NAME, DYNAMODB_ENDPOINT or AWS credentials). See README "Deploy".
import { runCommand, UsageError } from '../lib/cli/command.ts';
import { apiKeyPrefix, generateApiKey, hashApiKey } from '../lib/keys/api-key.ts';
import { namespaceSchema } from '../lib/responders/schema.ts';

const usage = 'npm run --silent keys -- create <namespace> | revoke <key prefix, e.g. wr_ab12cd34>';

await runCommand('keys', usage, async (openStores) => {
  const [command, argument, ...extra] = process.argv.slice(2);
  if (!argument || extra.length > 0) throw new UsageError(`expected a command and one argument`);
  if (command === 'create') {
    const namespace = namespaceSchema.safeParse(argument);
    if (!namespace.success) throw new UsageError(namespace.error.issues[0]?.message ?? 'invalid namespace');
    const stores = openStores();
    try {
      const key = generateApiKey();
      const prefix = apiKeyPrefix(key);
      await stores.keys.put({
        prefix,
        namespace: namespace.data,
        hash: hashApiKey(key).toString('hex'),
        createdAt: Math.floor(Date.now() / 1000),
      });
      // The key alone on stdout (KEY=$(npm run --silent keys -- create ns)); it is not stored and not shown again.
      process.stdout.write(`${key}\n`);
      process.stderr.write(
        `created ${prefix} for namespace ${namespace.data}; keep the key now, it cannot be shown again\n`,
      );
    } finally {
      stores.close();
    }
  } else if (command === 'revoke') {
    // A whole key is accepted too: its prefix is what names it.
    const prefix = /^(wr|custom)_[a-z0-9]+$/.test(argument) ? argument : apiKeyPrefix(argument);
    const stores = openStores();
    try {
      if (!(await stores.keys.revoke(prefix, Math.floor(Date.now() / 1000)))) {
        throw new Error(`no key with prefix ${prefix}`);
      }
      process.stderr.write(`revoked ${prefix}\n`);
    } finally {
      stores.close();
    }
  } else {
    throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
});
