// Every management answer carries `X-Content-Type-Options: nosniff` (docs/contract.md §5; issue 11 §4): names and tracked
// requests hold whatever a tenant or a caller sent, raw HTML included, and no browser may sniff it into a page.
import { describe, expect, it } from 'vitest';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'key-team-n-0123456789';
const server = useManagementServer({ API_KEYS: `team-n:${key}` });

describe('management answers', () => {
  it('carry nosniff on success, refusal and error alike', async () => {
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/html', { name: '<script>alert(1)</script>' }),
    });
    expect(created.status).toBe(201);
    const id = created.json.id;
    const answers = [
      created,
      await call(server, 'GET', '/api/responders', { key }),
      await call(server, 'GET', `/api/responders/${id}`, { key }),
      await call(server, 'GET', `/api/responders/${id}/history`, { key }),
      await call(server, 'POST', `/api/responders/${id}/test`, { key, json: {} }),
      await call(server, 'GET', '/api/openapi.json'),
      await call(server, 'DELETE', `/api/responders/${id}/history`, { key }),
      await call(server, 'GET', '/api/responders'),
      await call(server, 'GET', '/api/responders/unknown-id', { key }),
      await call(server, 'PATCH', '/api/responders', { key }),
      await call(server, 'POST', '/api/responders', {
        key,
        body: '{',
        headers: { 'content-type': 'application/json' },
      }),
      await call(server, 'DELETE', `/api/responders/${id}`, { key }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([
      201, 200, 200, 200, 200, 200, 204, 401, 404, 405, 400, 204,
    ]);
    for (const answer of answers) expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
