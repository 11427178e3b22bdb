// The plain request and response the webhook core works with: no AWS event shapes inside the core
// (lib/http turns API Gateway events into these and back).

export interface WebhookRequest {
  /** API Gateway's request id; ties the response, the logs, the metrics and the history together. */
  requestId: string;
  receivedAtMs: number;
  method: string;
  /** The first path segment, lower-cased (validity is the core's concern: an invalid one answers 404). */
  namespace: string;
  /** The path below the namespace as received (`/` at least). */
  path: string;
  /** The query string without `?`. */
  rawQuery: string;
  /** One value per key, the last wins. */
  query: Record<string, string>;
  /** Lower-case names, repeated headers joined with a comma; cookies merged back into `cookie`. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** `ip:port` (`[ip]:port` for IPv6) where the port is known, the bare IP otherwise. */
  clientAddress: string | null;
}

export interface WebhookResponse {
  statusCode: number;
  /** Ordered pairs: a name may repeat (e.g. several `set-cookie`). */
  headers: Array<[string, string]>;
  body: Uint8Array;
}
