// A node:http request -> the API Gateway HTTP API (payload 2.0) event API Gateway would send, so the local
// server runs the Lambda handlers unchanged: lower-case headers with repeats joined by `,`, cookies split
// out into `cookies`, the body as text or base64 as API Gateway does, a request id and the caller's address,
// and the path percent-decoded in `rawPath`, as API Gateway HTTP APIs deliver it (see `decodedPath`).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bytesToBase64 } from '../base64.ts';
import type { SourcePortExtension } from '../http/api-gateway-event.ts';
import { nameValueRecord } from '../webhook/request-fields.ts';
import { bodyAsText } from '../webhook/response-encoding.ts';

export function apiGatewayEventFromNode(
  request: IncomingMessage,
  body: Uint8Array,
  now: Date = new Date(),
): APIGatewayProxyEventV2 {
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = decodedPath(queryStart === -1 ? url : url.slice(0, queryStart));
  const rawQueryString = queryStart === -1 ? '' : url.slice(queryStart + 1);
  const headers = nameValueRecord();
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (!values) continue;
    if (name === 'cookie') {
      cookies = values.flatMap((value) => value.split(';').map((cookie) => cookie.trim())).filter(Boolean);
    } else {
      headers[name] = values.join(',');
    }
  }
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  // API Gateway appends the address it was called from to whatever X-Forwarded-For the caller sent, so a script
  // can trust the last entry only; a caller cannot pass a made-up address off as its own.
  const forwardedFor = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-port'] ??= String(request.socket.localPort ?? '');
  const text = bodyAsText(body, headers['content-type']);
  const requestId = randomUUID();
  const http: APIGatewayProxyEventV2['requestContext']['http'] & SourcePortExtension = {
    method: request.method ?? 'GET',
    path: rawPath,
    protocol: `HTTP/${request.httpVersion}`,
    sourceIp,
    userAgent: headers['user-agent'] ?? '',
    ...(request.socket.remotePort !== undefined ? { sourcePort: request.socket.remotePort } : {}),
  };
  const host = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: joinedQuery(rawQueryString) } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http,
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: text === undefined,
    ...(body.byteLength > 0 ? { body: text ?? bytesToBase64(body) } : {}),
  };
}

/** API Gateway's own `queryStringParameters`: repeated keys joined with `,`. */
function joinedQuery(rawQuery: string): Record<string, string> {
  const query = nameValueRecord();
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }
  return query;
}

/**
 * The path as an HTTP API puts it in `rawPath`: percent-decoded once (`/pp%C2%A5pp` -> `/pp¥pp`,
 * `/a%2525b` -> `/a%25b`), so `context.path` and matching are the same locally and on AWS. Where the event
 * could not say what was sent, the escape stays as written: an encoded slash `%2F` (so a slash inside a
 * segment never becomes a separator that moves a request into another namespace), and an escape that is
 * not valid UTF-8.
 */
export function decodedPath(path: string): string {
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    let decoded = '';
    let at = 0;
    while (at < run.length) {
      const step = decodedCharacter(run, at);
      decoded += step.text;
      at += step.length;
    }
    return decoded;
  });
}

/** The UTF-8 character (1 to 4 escapes) encoded at `at`, or the escape there as written. */
function decodedCharacter(run: string, at: number): { text: string; length: number } {
  const first = run.slice(at, at + 3);
  if (first.toUpperCase() === '%2F') return { text: first, length: 3 };
  for (let bytes = 1; bytes <= 4; bytes++) {
    const escapes = run.slice(at, at + 3 * bytes);
    if (escapes.length < 3 * bytes) break;
    try {
      return { text: decodeURIComponent(escapes), length: escapes.length };
    } catch {
      // Not a whole UTF-8 character yet: one more escape may complete it.
    }
  }
  return { text: first, length: 3 };
}
