// Full, realistic API Gateway HTTP API payload 2.0 events, shaped as API Gateway sends them.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export function apiGatewayEvent(overrides: {
  method?: string;
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
  sourceIp?: string;
  requestId?: string;
}): APIGatewayProxyEventV2 {
  const rawPath = overrides.rawPath ?? '/demo/hook';
  const rawQueryString = overrides.rawQueryString ?? '';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers: {
      accept: '*/*',
      'content-length': String(overrides.body?.length ?? 0),
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      'user-agent': 'GitHub-Hookshot/1a2b3c4',
      'x-amzn-trace-id': 'Root=1-674454c4-2f5a7a4b1c0d2e3f4a5b6c7d',
      'x-forwarded-for': overrides.sourceIp ?? '192.0.2.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...overrides.headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: overrides.method ?? 'POST',
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: overrides.sourceIp ?? '192.0.2.10',
        userAgent: 'GitHub-Hookshot/1a2b3c4',
      },
      requestId: overrides.requestId ?? 'CDefGhIjKlMNOPq=',
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:12:00:00 +0000',
      timeEpoch: 1795608000000,
    },
    isBase64Encoded: overrides.isBase64Encoded ?? false,
  };
  if (overrides.cookies) event.cookies = overrides.cookies;
  if (overrides.body !== undefined) event.body = overrides.body;
  if (rawQueryString) {
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;
    event.queryStringParameters = query;
  }
  return event;
}
