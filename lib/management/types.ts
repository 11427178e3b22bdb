// The plain request and response of the management core (docs/contract.md §5): no AWS event shapes inside it. The
// Lambda handler and the local server turn API Gateway payload 2.0 events into these and back.
import type { ConsoleBundle } from '../console/bundle.ts';
import type { ApiKeyStore } from '../keys/key-store.ts';
import type { Sandbox } from '../sandbox/index.ts';
import type { SecretCipher } from '../secrets/cipher.ts';
import type { HistoryStore, ResponderStore, SecretStore } from '../store/types.ts';
import type { SecretSource } from '../webhook/handle-webhook.ts';

export interface ManagementRequest {
  requestId: string;
  method: string;
  /** The full path as received, `/api/...`. */
  path: string;
  /** One value per key, the last wins. */
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface ManagementResponse {
  statusCode: number;
  headers: Record<string, string>;
  /** JSON text (the console's page and assets: their text); absent for 204 and 304. */
  body?: string;
  /** The body is base64 of bytes (a console asset sent gzipped). */
  isBase64Encoded?: boolean;
}

export interface ManagementDeps {
  responders: ResponderStore;
  history: HistoryStore;
  keys: Pick<ApiKeyStore, 'get'>;
  /** Syntax checks on save and dry runs; never records history or metrics. */
  sandbox: Pick<Sandbox, 'run' | 'checkSyntax'>;
  /** The definition cache of this process, forgotten after every write so this process serves the change at once. */
  definitions?: { invalidate(namespace: string): void };
  secrets?: ManagementSecrets;
  /** The web console's built assets (docs/contract.md §11); without them /api/console answers 404. */
  console?: ConsoleBundle;
}

/** Secrets (docs/contract.md §12): written encrypted, decrypted only for dry runs. */
export interface ManagementSecrets {
  store: SecretStore;
  cipher: SecretCipher;
  /** What a dry run's script sees as `context.secrets`. */
  source: SecretSource;
  /** The webhook side's cache of this process, forgotten after every write (the local server shares one). */
  invalidate?(namespace: string): void;
}
