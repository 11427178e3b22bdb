// Every bad input of docs/contract.md §2 and §5 gets its status, the error shape and a message naming the field, and
// nothing is written: the list (or the responder) is the same afterwards.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentCaps,
  managementBodyMaxBytes,
  scriptMaxBytes,
  staticBodyMaxBytes,
} from '../../lib/limits.ts';
import { type ApiCall, call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-v-0123456789';
const server = useManagementServer({ API_KEYS: `team-v:${key}` });

const list = async () => (await call(server, 'GET', '/api/responders?limit=100', { key })).json;
const withSettings = (settings: Record<string, unknown>) => draft('/valid', {}, settings);
const json = 'application/json';

interface BadInput {
  what: string;
  request: ApiCall;
  status: number;
  code: string;
  /** The field (or the words) the message must name. */
  names: string;
}

const badCreates: BadInput[] = [
  {
    what: 'malformed JSON',
    request: { body: '{"name":', headers: { 'content-type': json } },
    status: 400,
    code: 'invalid_json',
    names: 'body: not valid JSON',
  },
  {
    what: 'JSON that is not UTF-8',
    request: { body: new Uint8Array([0x7b, 0xff, 0x7d]), headers: { 'content-type': json } },
    status: 400,
    code: 'invalid_json',
    names: 'UTF-8',
  },
  {
    what: 'an array body',
    request: { json: [draft('/x')] },
    status: 400,
    code: 'invalid_request',
    names: 'body: must be a JSON object',
  },
  {
    what: 'an empty body',
    request: { body: '', headers: { 'content-type': json } },
    status: 400,
    code: 'invalid_request',
    names: 'body: is required',
  },
  {
    what: 'a text/plain content type',
    request: { body: JSON.stringify(draft('/x')), headers: { 'content-type': 'text/plain' } },
    status: 415,
    code: 'unsupported_media_type',
    names: 'content-type',
  },
  {
    what: 'no content type',
    request: { body: new TextEncoder().encode(JSON.stringify(draft('/x'))) },
    status: 415,
    code: 'unsupported_media_type',
    names: 'content-type',
  },
  {
    what: 'a charset other than UTF-8',
    request: {
      body: JSON.stringify(draft('/x')),
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    },
    status: 415,
    code: 'unsupported_media_type',
    names: 'UTF-8',
  },
  {
    what: 'a body over 1.5 MiB',
    request: { json: withSettings({ body: 'x'.repeat(managementBodyMaxBytes) }) },
    status: 413,
    code: 'body_too_large',
    names: `${managementBodyMaxBytes} bytes`,
  },
  {
    what: 'an unknown top-level field',
    request: { json: { ...draft('/x'), colour: 'red' } },
    status: 400,
    code: 'invalid_request',
    names: 'colour: unknown field',
  },
  {
    what: 'an unknown settings field',
    request: { json: withSettings({ retries: 3 }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.retries: unknown field',
  },
  {
    what: 'an unknown location field',
    request: { json: { ...draft('/x'), location: { pathType: '=', path: '/x', host: 'a' } } },
    status: 400,
    code: 'invalid_request',
    names: 'location.host: unknown field',
  },
  {
    what: 'a read-only id',
    request: { json: { ...draft('/x'), id: 'mine' } },
    status: 400,
    code: 'invalid_request',
    names: 'id: read-only',
  },
  {
    what: 'a read-only version',
    request: { json: { ...draft('/x'), version: 3 } },
    status: 400,
    code: 'invalid_request',
    names: 'version: read-only',
  },
  {
    what: 'a missing name',
    request: { json: { ...draft('/x'), name: undefined } },
    status: 400,
    code: 'invalid_request',
    names: 'name: is required',
  },
  {
    what: 'an empty name',
    request: { json: draft('/x', { name: '' }) },
    status: 400,
    code: 'invalid_request',
    names: 'name:',
  },
  {
    what: 'a name over 100 characters',
    request: { json: draft('/x', { name: 'n'.repeat(101) }) },
    status: 400,
    code: 'invalid_request',
    names: 'name: must be at most 100',
  },
  {
    what: 'a path without a leading /',
    request: { json: draft('x') },
    status: 400,
    code: 'invalid_request',
    names: 'location.path: must start with /',
  },
  {
    what: 'a path with a trailing /',
    request: { json: draft('/x/') },
    status: 400,
    code: 'invalid_request',
    names: 'location.path: must not end with /',
  },
  {
    what: 'a path over 100 characters',
    request: { json: draft(`/${'p'.repeat(100)}`) },
    status: 400,
    code: 'invalid_request',
    names: 'location.path: must be at most 100',
  },
  {
    what: 'a path with ?',
    request: { json: draft('/x?y=1') },
    status: 400,
    code: 'invalid_request',
    names: 'location.path',
  },
  {
    what: 'a path with #',
    request: { json: draft('/x#y') },
    status: 400,
    code: 'invalid_request',
    names: 'location.path',
  },
  {
    what: 'a path with white space',
    request: { json: draft('/x y') },
    status: 400,
    code: 'invalid_request',
    names: 'location.path',
  },
  {
    what: 'a path with a control character',
    request: { json: draft('/x\u0007') },
    status: 400,
    code: 'invalid_request',
    names: 'location.path',
  },
  {
    what: 'an unknown path type',
    request: { json: { ...draft('/x'), location: { pathType: '~', path: '/x' } } },
    status: 400,
    code: 'invalid_request',
    names: 'location.pathType',
  },
  {
    what: 'an unknown method',
    request: { json: draft('/x', { method: 'FETCH' }) },
    status: 400,
    code: 'invalid_request',
    names: 'method: must be one of',
  },
  {
    what: 'enabled that is not a boolean',
    request: { json: draft('/x', { enabled: 'yes' }) },
    status: 400,
    code: 'invalid_request',
    names: 'enabled',
  },
  {
    what: 'missing settings',
    request: { json: { ...draft('/x'), settings: undefined } },
    status: 400,
    code: 'invalid_request',
    names: 'settings: is required',
  },
  {
    what: 'requestsToTrack over 100',
    request: { json: withSettings({ requestsToTrack: 101 }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.requestsToTrack',
  },
  {
    what: 'a negative requestsToTrack',
    request: { json: withSettings({ requestsToTrack: -1 }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.requestsToTrack',
  },
  {
    what: 'a fractional requestsToTrack',
    request: { json: withSettings({ requestsToTrack: 1.5 }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.requestsToTrack',
  },
  {
    what: 'a status code under 100',
    request: { json: withSettings({ statusCode: 99 }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.statusCode',
  },
  {
    what: 'a status code over 599',
    request: { json: withSettings({ statusCode: 600 }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.statusCode',
  },
  {
    what: 'a header name that is not an HTTP token',
    request: { json: withSettings({ headers: [['bad name', 'x']] }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.headers[0][0]',
  },
  {
    what: 'a header value with CR LF',
    request: { json: withSettings({ headers: [['x-a', 'a\r\nset-cookie: b']] }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.headers[0][1]',
  },
  {
    what: 'a header value with NUL',
    request: { json: withSettings({ headers: [['x-a', 'a\u0000b']] }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.headers[0][1]',
  },
  {
    what: 'headers that are not pairs',
    request: { json: withSettings({ headers: { 'x-a': '1' } }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.headers',
  },
  {
    what: 'a script over 64 KiB',
    request: { json: withSettings({ script: `(() => 1)()//${'x'.repeat(scriptMaxBytes)}` }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.script',
  },
  {
    what: 'a script over 64 KiB in UTF-8 but not in characters',
    request: { json: withSettings({ script: `(() => 1)()//${'é'.repeat(scriptMaxBytes / 2)}` }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.script: must be at most 65536 bytes',
  },
  {
    what: 'a static body over 1 MiB',
    request: { json: withSettings({ body: 'b'.repeat(staticBodyMaxBytes + 1) }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.body',
  },
  {
    what: 'a memory limit over the deployment cap',
    request: {
      json: withSettings({ script: 'null', limits: { memoryBytes: deploymentCaps.memoryBytes + 1 } }),
    },
    status: 400,
    code: 'invalid_request',
    names: 'settings.limits.memoryBytes',
  },
  {
    what: 'a deadline over the deployment cap',
    request: {
      json: withSettings({ script: 'null', limits: { deadlineMs: deploymentCaps.deadlineMs + 1 } }),
    },
    status: 400,
    code: 'invalid_request',
    names: 'settings.limits.deadlineMs',
  },
  {
    what: 'an unknown limit',
    request: { json: withSettings({ script: 'null', limits: { cpuMs: 5 } }) },
    status: 400,
    code: 'invalid_request',
    names: 'settings.limits.cpuMs: unknown field',
  },
  {
    what: 'a script that does not compile',
    request: { json: withSettings({ script: '(() => {\n  return 1 +;\n})()' }) },
    status: 400,
    code: 'invalid_script',
    names: 'settings.script: syntax error',
  },
  {
    // Issue 11: this nesting used to pass the check and take the sandbox worker down on every request.
    what: 'a script nested deeper than the parser can hold',
    request: { json: withSettings({ script: `${'('.repeat(10_606)}1${')'.repeat(10_606)}` }) },
    status: 400,
    code: 'invalid_script',
    names: 'settings.script: syntax error: stack overflow (line 1)',
  },
];

describe('management API: bad input on create', () => {
  it.each(badCreates)(
    'refuses $what with $status and writes nothing',
    async ({ request, status, code, names }) => {
      const before = await list();
      const answer = await call(server, 'POST', '/api/responders', { key, ...request });
      expect(answer.status).toBe(status);
      expect(answer.json).toEqual({ error: { code, message: expect.stringContaining(names) } });
      expect(await list()).toEqual(before);
    },
  );

  it('names the line of a syntax error', async () => {
    const answer = await call(server, 'POST', '/api/responders', {
      key,
      json: withSettings({ script: '(() => {\n  return 1 +;\n})()' }),
    });
    expect(answer.json.error.message).toMatch(/\(line 2\)$/);
  });

  it('names every bad field at once', async () => {
    const answer = await call(server, 'POST', '/api/responders', {
      key,
      json: { ...draft('x', { method: 'FETCH' }), settings: { statusCode: 42 } },
    });
    expect(answer.status).toBe(400);
    for (const field of ['location.path', 'method', 'settings.statusCode']) {
      expect(answer.json.error.message).toContain(field);
    }
  });

  it('accepts the largest allowed script and static body', async () => {
    const answer = await call(server, 'POST', '/api/responders', {
      key,
      json: draft(
        '/largest',
        {},
        { body: 'b'.repeat(staticBodyMaxBytes), script: `null//${'x'.repeat(scriptMaxBytes - 6)}` },
      ),
    });
    expect(answer.status).toBe(201);
  });
});

describe('management API: bad input on replace and dry run', () => {
  let stored: { id: string; version: number };
  beforeAll(async () => {
    stored = (
      await call(server, 'POST', '/api/responders', {
        key,
        json: draft('/stored', {}, { requestsToTrack: 3 }),
      })
    ).json;
  });

  const badReplaces: BadInput[] = [
    {
      what: 'a missing version',
      request: { json: draft('/stored', { name: 'changed' }) },
      status: 400,
      code: 'invalid_request',
      names: 'version: is required',
    },
    {
      what: 'version 0',
      request: { json: { ...draft('/stored'), version: 0 } },
      status: 400,
      code: 'invalid_request',
      names: 'version: must be at least 1',
    },
    {
      what: 'an id of another responder',
      request: { json: { ...draft('/stored'), version: 1, id: 'someone-else' } },
      status: 400,
      code: 'invalid_request',
      names: 'id: someone-else does not match',
    },
    {
      what: 'a script that does not compile',
      request: { json: { ...draft('/stored', {}, { script: 'return;;(' }), version: 1 } },
      status: 400,
      code: 'invalid_script',
      names: 'settings.script: syntax error',
    },
    {
      what: 'a bad header',
      request: { json: { ...draft('/stored', {}, { headers: [['x', 'a\nb']] }), version: 1 } },
      status: 400,
      code: 'invalid_request',
      names: 'settings.headers[0][1]',
    },
    {
      what: 'malformed JSON',
      request: { body: '{', headers: { 'content-type': json } },
      status: 400,
      code: 'invalid_json',
      names: 'body',
    },
    {
      what: 'a form content type',
      request: { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 415,
      code: 'unsupported_media_type',
      names: 'content-type',
    },
  ];

  it.each(badReplaces)(
    'refuses a PUT with $what and leaves the responder as it was',
    async ({ request, status, code, names }) => {
      const before = await call(server, 'GET', `/api/responders/${stored.id}`, { key });
      const answer = await call(server, 'PUT', `/api/responders/${stored.id}`, { key, ...request });
      expect(answer.status).toBe(status);
      expect(answer.json).toEqual({ error: { code, message: expect.stringContaining(names) } });
      expect((await call(server, 'GET', `/api/responders/${stored.id}`, { key })).json).toEqual(before.json);
    },
  );

  const badTests: BadInput[] = [
    {
      what: 'an unknown field',
      request: { json: { request: {}, dryRun: true } },
      status: 400,
      code: 'invalid_request',
      names: 'dryRun: unknown field',
    },
    {
      what: 'a request path without /',
      request: { json: { request: { path: 'x' } } },
      status: 400,
      code: 'invalid_request',
      names: 'request.path',
    },
    {
      what: 'a body that is not base64',
      request: { json: { request: { bodyBase64: '***' } } },
      status: 400,
      code: 'invalid_request',
      names: 'request.bodyBase64',
    },
    {
      what: 'a bad draft',
      request: { json: { responder: draft('/x', {}, { statusCode: 7 }) } },
      status: 400,
      code: 'invalid_request',
      names: 'responder.settings.statusCode',
    },
    {
      what: 'a wrong content type',
      request: { body: '{}', headers: { 'content-type': 'text/plain' } },
      status: 415,
      code: 'unsupported_media_type',
      names: 'content-type',
    },
  ];

  it.each(badTests)('refuses a dry run with $what', async ({ request, status, code, names }) => {
    const answer = await call(server, 'POST', `/api/responders/${stored.id}/test`, { key, ...request });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ error: { code, message: expect.stringContaining(names) } });
  });

  it('refuses a dry run given both a request and ?request=, and 404 for an unknown tracked request', async () => {
    const both = await call(server, 'POST', `/api/responders/${stored.id}/test?request=abc`, {
      key,
      json: { request: {} },
    });
    expect(both.status).toBe(400);
    expect(both.json.error.message).toContain('request');
    const unknown = await call(server, 'POST', `/api/responders/${stored.id}/test?request=abc`, { key });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('not_found');
  });
});
