import { describe, expect, it } from 'vitest';
import { buildRouteTable, normalizeRequestPath, selectResponder } from '../../lib/responders/routing.ts';
import type { HttpMethod } from '../../lib/responders/schema.ts';

interface R {
  name: string;
  location: { pathType: '=' | '^'; path: string };
  method: HttpMethod;
  enabled: boolean;
}

const r = (name: string, spec: string, method: HttpMethod = 'ANY', enabled = true): R => ({
  name,
  location: { pathType: spec[0] as '=' | '^', path: spec.slice(1) },
  method,
  enabled,
});

const responders: R[] = [
  r('root prefix', '^/'),
  r('api prefix', '^/api'),
  r('api exact', '=/api'),
  r('api exact GET', '=/api', 'GET'),
  r('users prefix', '^/api/users'),
  r('users prefix POST', '^/api/users', 'POST'),
  r('user exact', '=/api/users/42'),
  r('disabled longer', '^/api/users/42/x', 'ANY', false),
  r('Mixed Case', '=/Hooks/GitHub'),
  r('unicode', '=/café'),
];
const table = buildRouteTable(responders);

describe('responder selection (SPEC §3)', () => {
  it.each([
    ['GET', '/api', 'api exact GET', 'the request method beats ANY at the same location'],
    ['POST', '/api', 'api exact', 'exact beats prefix at equal length'],
    ['DELETE', '/api/x', 'api prefix', 'a prefix matches below it'],
    ['GET', '/apix', 'api prefix', 'a prefix is a string prefix (Secutils semantics)'],
    ['GET', '/api/users/7', 'users prefix', 'the longest matching location wins'],
    ['POST', '/api/users/7', 'users prefix POST', 'method beats ANY among the longest'],
    ['POST', '/api/users/42', 'user exact', 'a longer exact location beats a shorter prefix with the method'],
    ['GET', '/api/users/42/x', 'users prefix', 'a disabled responder behaves as absent'],
    ['GET', '/api/', 'api exact GET', 'a trailing slash is ignored'],
    ['GET', '/API/Users/42', 'user exact', 'matching ignores case'],
    ['get', '/hooks/github', 'Mixed Case', 'a location with capitals matches a lower-case request'],
    ['GET', '/café', 'unicode', 'a unicode path (API Gateway decodes it) matches a unicode location'],
    [
      'GET',
      '/caf%C3%A9',
      'root prefix',
      'an escape left in the delivered path was sent encoded twice: no match',
    ],
    ['GET', '/café/', 'unicode', 'a raw unicode path with a trailing slash matches too'],
    ['GET', '/other', 'root prefix', 'the root prefix catches the rest'],
    ['GET', '/', 'root prefix', 'the root prefix matches the namespace root'],
  ])('%s %s -> %s (%s)', (method, path, expected) => {
    expect(selectResponder(table, method, path)?.name).toBe(expected);
  });

  it('answers nothing when no location matches', () => {
    const narrow = buildRouteTable([r('only', '=/a', 'GET')]);
    expect(selectResponder(narrow, 'GET', '/b')).toBeUndefined();
    expect(selectResponder(narrow, 'POST', '/a')).toBeUndefined();
    expect(selectResponder(narrow, 'GET', '/a/b')).toBeUndefined();
  });

  it('answers nothing when the only match is disabled', () => {
    const off = buildRouteTable([r('off', '=/a', 'GET', false)]);
    expect(selectResponder(off, 'GET', '/a')).toBeUndefined();
  });
});

describe('request path normalisation', () => {
  it.each([
    ['/a/b/', '/a/b'],
    ['/a//', '/a'],
    ['/', '/'],
    ['', '/'],
    ['/A%2Fb', '/a%2fb'],
    ['/bad%zz', '/bad%zz'],
  ])('%j -> %j', (raw, normalised) => {
    expect(normalizeRequestPath(raw)).toBe(normalised);
  });
});
