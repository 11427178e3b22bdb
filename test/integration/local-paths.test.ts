// The local server hands the handlers `rawPath` as API Gateway HTTP APIs do: percent-decoded once. So
// `context.path` and matching are the same locally and on AWS, and an encoded slash never changes the
// namespace or reaches /api.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-p-0123456789';
const server = useManagementServer({ API_KEYS: `team-p:${key}` });

beforeAll(async () => {
  const echo = { script: '(() => ({ body: context.path }))();' };
  for (const body of [
    draft('/', { location: { pathType: '^', path: '/' } }, echo),
    draft('/a%25b', {}, { body: 'exact /a%25b' }),
    draft('/a%b', {}, { body: 'exact /a%b' }),
    draft('/pp¥pp', {}, { body: 'exact /pp¥pp' }),
  ]) {
    const created = await call(server, 'POST', '/api/responders', { key, json: body });
    expect(created.status, created.text).toBe(201);
  }
});

const get = async (path: string) => {
  const response = await fetch(`${server.base}${path}`);
  return { status: response.status, body: await response.text() };
};

describe('request paths on the local server', () => {
  it('decodes the path once, as API Gateway does, before matching and for context.path', async () => {
    expect(await get('/team-p/pp%C2%A5pp')).toEqual({ status: 200, body: 'exact /pp¥pp' });
    expect(await get('/team-p/a%2525b')).toEqual({ status: 200, body: 'exact /a%25b' });
    expect(await get('/team-p/a%25b')).toEqual({ status: 200, body: 'exact /a%b' });
    expect(await get('/team-p/caf%C3%A9/%F0%9F%90%99')).toEqual({ status: 200, body: '/café/🐙' });
    // An escaped letter in the namespace is that letter, as on AWS: the same namespace, not another one.
    expect(await get('/team-%70/a%25b')).toEqual({ status: 200, body: 'exact /a%b' });
  });

  it('keeps an encoded slash and an escape that is not UTF-8 as sent', async () => {
    expect(await get('/team-p/x%2Fy%2fz')).toEqual({ status: 200, body: '/x%2Fy%2fz' });
    expect(await get('/team-p/bad%E0%A4-%C3%A9%ZZ')).toEqual({ status: 200, body: '/bad%E0%A4-é%ZZ' });
  });

  it('never moves a request into another namespace or /api through an escape', async () => {
    for (const path of [
      '/team-p%2Fa%25b',
      '/api%2Fresponders',
      '/%61pi/responders',
      '/team-q/..%2Fteam-p/',
    ]) {
      expect(await get(path), path).toEqual({ status: 404, body: 'Not found.' });
    }
  });
});
