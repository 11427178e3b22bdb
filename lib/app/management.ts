// What the management API core needs, over a process's stores and sandbox. In Lambda the management function
// has its own; npm start passes the webhook runtime it shares, so a write is served at once.
import type { ManagementDeps } from '../management/types.ts';
import type { Sandbox } from '../sandbox/index.ts';
import { managementSecrets, type SecretCipher } from '../secrets/index.ts';
import type { AppStores } from './stores.ts';
import type { WebhookRuntime } from './webhook.ts';

export function managementDeps(options: {
  stores: AppStores;
  sandbox: Pick<Sandbox, 'run' | 'checkSyntax'>;
  secretCipher: SecretCipher;
  /** The webhook side of the same process, whose caches a write forgets. */
  webhook?: WebhookRuntime;
}): ManagementDeps {
  const { stores, sandbox, secretCipher, webhook } = options;
  return {
    responders: stores.responders,
    history: stores.history,
    keys: stores.keys,
    sandbox,
    ...(webhook ? { definitions: webhook.definitions } : {}),
    secrets: managementSecrets(
      stores.secrets,
      secretCipher,
      webhook ? (namespace) => webhook.secrets.invalidate(namespace) : undefined,
    ),
  };
}
