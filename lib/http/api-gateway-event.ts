// API Gateway HTTP API (payload 2.0) event -> WebhookRequest. Bodies are read as bytes: Powertools' HTTP
// router would decode base64 bodies as UTF-8 and corrupt binary webhooks (signatures, gzip, protobuf).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { base64ToBytes } from '../base64.ts';
import { headerRecord, parseQuery } from '../webhook/request-fields.ts';
import type { WebhookRequest } from '../webhook/types.ts';

/**
 * API Gateway does not pass the caller's port; the local server does, in this extra field of
 * `requestContext.http`, so that `context.clientAddress` is `ip:port` locally.
 */
export interface SourcePortExtension {
  sourcePort?: number;
}

export function webhookRequestFromEvent(
  event: APIGatewayProxyEventV2,
  receivedAtMs = Date.now(),
): WebhookRequest {
  const { namespace, path } = splitNamespace(event.rawPath);
  const rawQuery = event.rawQueryString ?? '';
  const headers = headerRecord(event.headers ?? {});
  // Payload 2.0 moves cookies out of the headers; scripts (as in Secutils) read them from `cookie`.
  if (event.cookies && event.cookies.length > 0) {
    const cookies = event.cookies.join('; ');
    headers.cookie = headers.cookie ? `${headers.cookie}; ${cookies}` : cookies;
  }
  const http = event.requestContext.http as typeof event.requestContext.http & SourcePortExtension;
  return {
    requestId: event.requestContext.requestId,
    receivedAtMs,
    method: http.method.toUpperCase(),
    namespace,
    path,
    rawQuery,
    query: parseQuery(rawQuery),
    headers,
    body: decodeBody(event.body, event.isBase64Encoded),
    clientAddress: formatClientAddress(http.sourceIp, http.sourcePort),
  };
}

function splitNamespace(rawPath: string | undefined): { namespace: string; path: string } {
  const withoutLeading = (rawPath ?? '/').replace(/^\/+/, '');
  const slash = withoutLeading.indexOf('/');
  const namespace = slash === -1 ? withoutLeading : withoutLeading.slice(0, slash);
  const path = slash === -1 ? '/' : withoutLeading.slice(slash);
  return { namespace: namespace.toLowerCase(), path };
}

function decodeBody(body: string | undefined, isBase64Encoded: boolean): Uint8Array {
  if (!body) return new Uint8Array(0);
  if (isBase64Encoded) return base64ToBytes(body);
  const bytes = Buffer.from(body, 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function formatClientAddress(ip: string | undefined, port: number | undefined): string | null {
  if (!ip) return null;
  if (port === undefined) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
