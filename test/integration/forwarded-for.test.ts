// What a script sees as X-Forwarded-For behind the local server (issue 11 §4): as behind API Gateway, the
// caller's own header with the address the request came from appended, so the last entry is the one to trust.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-x-0123456789';
const server = useManagementServer({ API_KEYS: `team-x:${key}` });

beforeAll(async () => {
  const created = await call(server, 'POST', '/api/responders', {
    key,
    json: draft('/who', {}, { body: undefined, script: "({ body: context.headers['x-forwarded-for'] })" }),
  });
  expect(created.status).toBe(201);
});

const seenBy = async (headers: Record<string, string>) =>
  (await fetch(`${server.base}/team-x/who`, { headers })).text();

describe('X-Forwarded-For as a script sees it', () => {
  it('is the address the request came from when the caller sent none', async () => {
    expect(await seenBy({})).toBe('127.0.0.1');
  });

  it("keeps the caller's own value and appends the address the request came from", async () => {
    expect(await seenBy({ 'x-forwarded-for': '203.0.113.9' })).toBe('203.0.113.9, 127.0.0.1');
    expect(await seenBy({ 'x-forwarded-for': '198.51.100.1, 203.0.113.9' })).toBe(
      '198.51.100.1, 203.0.113.9, 127.0.0.1',
    );
  });
});
