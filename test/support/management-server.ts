// The real local server (npm start's startLocal: embedded dynalite, sandbox, /api mounted) in this process on
// a free port, with helpers to call the management API over HTTP. In the dynamodb-local project it serves a
// table of its own in the run's DynamoDB Local instead (DYNAMODB_ENDPOINT, as `npm start` allows).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type LocalApp, startLocal } from '../../lib/local/start.ts';
import { dynamodbLocalEndpoint } from './dynalite.ts';

export interface ManagementServer {
  app: LocalApp;
  base: string;
  tableName: string;
  /** What the start printed (keys, examples). */
  printed: string[];
}

export interface ApiCall {
  key?: string;
  /** A value is sent as JSON with `content-type: application/json`; a string or bytes as is. */
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are inspected field by field
  json: any;
}

export function useManagementServer(env: Record<string, string> = {}): ManagementServer {
  const server = { printed: [] } as unknown as ManagementServer;
  beforeAll(async () => {
    const endpoint = dynamodbLocalEndpoint();
    server.tableName = endpoint === undefined ? 'webhook-responders' : `test-${randomUUID()}`;
    const store = endpoint === undefined ? {} : { DYNAMODB_ENDPOINT: endpoint, TABLE_NAME: server.tableName };
    server.app = await startLocal({
      env: { PORT: '0', HOST: '127.0.0.1', ...store, ...env },
      print: (line) => server.printed.push(line),
    });
    server.base = server.app.url;
  });
  afterAll(async () => {
    await server.app?.close();
  });
  return server;
}

export async function call(
  server: ManagementServer,
  method: string,
  path: string,
  options: ApiCall = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.base}${path}`, { method, headers, body });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A valid create body; `overrides` replace top-level fields, `settings` is merged. */
export function draft(
  path: string,
  overrides: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: `responder ${path}`,
    location: { pathType: '=', path },
    method: 'GET',
    settings: { statusCode: 200, headers: [['content-type', 'text/plain']], body: `at ${path}`, ...settings },
    ...overrides,
  };
}
