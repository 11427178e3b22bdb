// The plain request and response the webhook core works with: no AWS event shapes inside the core
// (lib/http turns API Gateway events into these and back).
import type { ContextSource } from '../sandbox/context.ts';

/**
 * A public request: what its script sees as `context` (the path below the namespace as received, `/` at
 * least; cookies merged back into the `cookie` header; `clientAddress` as `ip:port`, `[ip]:port` for IPv6,
 * or the bare IP where the port is unknown), plus what the core needs to route, track and report it.
 */
export interface WebhookRequest extends ContextSource {
  /** Without `?`; `""` when there is none (the script's `context` leaves it out then). */
  rawQuery: string;
  /** `null` when unknown (the script's `context` leaves it out then). */
  clientAddress: string | null;
  /** API Gateway's request id; ties the response, the logs, the metrics and the history together. */
  requestId: string;
  receivedAtMs: number;
  /** The first path segment, lower-cased (validity is the core's concern: an invalid one answers 404). */
  namespace: string;
}

export interface WebhookResponse {
  statusCode: number;
  /** Ordered pairs: a name may repeat (e.g. several `set-cookie`). */
  headers: Array<[string, string]>;
  body: Uint8Array;
}
