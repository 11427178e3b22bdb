import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from '../../lib/responders/describe-issues.ts';
import {
  namespaceSchema,
  responderCreateSchema,
  responderUpdateSchema,
} from '../../lib/responders/schema.ts';

const valid = {
  name: 'GitHub push',
  location: { pathType: '=', path: '/github/push' },
  method: 'POST',
  enabled: true,
  settings: {
    requestsToTrack: 10,
    statusCode: 200,
    headers: [['content-type', 'application/json']],
    body: '{"ok":true}',
    script: "(async () => ({ body: context.query.name ?? 'anon' }))()",
    limits: { memoryBytes: 10485760, deadlineMs: 5000 },
  },
};

function problem(change: (draft: typeof valid & Record<string, unknown>) => void): string {
  const draft = structuredClone(valid) as typeof valid & Record<string, unknown>;
  change(draft);
  const result = responderCreateSchema.safeParse(draft);
  if (result.success) throw new Error('expected the input to be rejected');
  return describeIssues(result.error);
}

describe('responder schema', () => {
  it('accepts the SPEC §2 example', () => {
    expect(responderCreateSchema.parse(valid)).toEqual(valid);
  });

  it('fills defaults for enabled, requestsToTrack, statusCode and headers', () => {
    const parsed = responderCreateSchema.parse({ ...valid, enabled: undefined, settings: {} });
    expect(parsed.enabled).toBe(true);
    expect(parsed.settings).toEqual({ requestsToTrack: 0, statusCode: 200, headers: [] });
  });

  it.each([
    [
      'a path without a leading /',
      (d: typeof valid) => (d.location.path = 'github'),
      'location.path: must start with /',
    ],
    [
      'a trailing /',
      (d: typeof valid) => (d.location.path = '/github/'),
      'location.path: must not end with /',
    ],
    ['a ? in the path', (d: typeof valid) => (d.location.path = '/a?b'), 'location.path: must not contain'],
    ['a # in the path', (d: typeof valid) => (d.location.path = '/a#b'), 'location.path: must not contain'],
    [
      'white space in the path',
      (d: typeof valid) => (d.location.path = '/a b'),
      'location.path: must not contain',
    ],
    ['a control character in the path', (d: typeof valid) => (d.location.path = '/a\u0007'), 'location.path'],
    [
      'a path over 100 characters',
      (d: typeof valid) => (d.location.path = `/${'a'.repeat(100)}`),
      'location.path',
    ],
    ['an unknown path type', (d: typeof valid) => (d.location.pathType = '~'), 'location.pathType'],
    ['an unknown method', (d: typeof valid) => (d.method = 'FETCH'), 'method: must be one of'],
    ['an empty name', (d: typeof valid) => (d.name = ''), 'name: must not be empty'],
    [
      'a name over 100 characters',
      (d: typeof valid) => (d.name = 'n'.repeat(101)),
      'name: must be at most 100',
    ],
    ['a status code below 100', (d: typeof valid) => (d.settings.statusCode = 99), 'settings.statusCode'],
    ['a status code above 599', (d: typeof valid) => (d.settings.statusCode = 600), 'settings.statusCode'],
    [
      'requestsToTrack above 100',
      (d: typeof valid) => (d.settings.requestsToTrack = 101),
      'settings.requestsToTrack',
    ],
    [
      'a header name that is no token',
      (d: typeof valid) => (d.settings.headers = [['a b', 'x']]),
      'settings.headers[0][0]',
    ],
    [
      'a header value with CR LF',
      (d: typeof valid) => (d.settings.headers = [['x', 'a\r\nb']]),
      'settings.headers[0][1]',
    ],
    [
      'a header value with NUL',
      (d: typeof valid) => (d.settings.headers = [['x', 'a\0']]),
      'settings.headers[0][1]',
    ],
    [
      'a script over 64 KiB',
      (d: typeof valid) => (d.settings.script = 'x'.repeat(65_537)),
      'settings.script',
    ],
    [
      'a body over 1 MiB in UTF-8',
      (d: typeof valid) => (d.settings.body = 'é'.repeat(524_289)),
      'settings.body',
    ],
    [
      'memory over the deployment cap',
      (d: typeof valid) => (d.settings.limits.memoryBytes = 2 ** 27),
      'settings.limits.memoryBytes',
    ],
    [
      'memory under 1 MiB, in which QuickJS cannot build a context',
      (d: typeof valid) => (d.settings.limits.memoryBytes = 1024 * 1024 - 1),
      'settings.limits.memoryBytes: must be at least 1048576',
    ],
    [
      'a deadline over 25 s',
      (d: typeof valid) => (d.settings.limits.deadlineMs = 25_001),
      'settings.limits.deadlineMs',
    ],
    ['a missing location', (d: Record<string, unknown>) => delete d.location, 'location: is required'],
    ['an unknown top-level field', (d: Record<string, unknown>) => (d.id = 'x'), 'id: unknown field'],
    [
      'an unknown settings field',
      (d: Record<string, unknown>) => ((d.settings as Record<string, unknown>).x = 1),
      'settings.x: unknown field',
    ],
  ])('rejects %s, naming the field', (_what, change, expected) => {
    expect(problem(change as (d: typeof valid) => void)).toContain(expected);
  });

  it('accepts the least memory a script can run in, 1 MiB', () => {
    const draft = structuredClone(valid);
    draft.settings.limits.memoryBytes = 1024 * 1024;
    expect(responderCreateSchema.safeParse(draft).success).toBe(true);
  });

  it('accepts "/" alone as a path', () => {
    expect(
      responderCreateSchema.parse({ ...valid, location: { pathType: '^', path: '/' } }).location.path,
    ).toBe('/');
  });

  it('requires the version on an update', () => {
    const result = responderUpdateSchema.safeParse(valid);
    expect(result.success || describeIssues(result.error)).toBe('version: is required');
  });

  it('converts to JSON Schema for the OpenAPI document', () => {
    const schema = z.toJSONSchema(responderCreateSchema, { io: 'input' }) as Record<string, unknown>;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['name', 'location', 'method', 'settings']);
  });
});

describe('namespace schema', () => {
  it.each(['demo', 'a1', 'team-42', 'x'.repeat(40)])('accepts %s', (name) => {
    expect(namespaceSchema.safeParse(name).success).toBe(true);
  });

  it.each(['a', 'x'.repeat(41), 'Demo', 'a_b', 'api', ''])('rejects %j', (name) => {
    expect(namespaceSchema.safeParse(name).success).toBe(false);
  });
});
