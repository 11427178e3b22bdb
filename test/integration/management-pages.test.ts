// Answers that grow with stored data (a page of responders, a responder's history) come in pages that fit
// Lambda's 6 MB answer once escaped into its result (docs/contract.md §5), and paging through them gives every
// item once, in order.
import { describe, expect, it } from 'vitest';
import { historyBodyMaxBytes, managementAnswerMaxBytes, staticBodyMaxBytes } from '../../lib/limits.ts';
import { lambdaAnswerBytes } from '../../lib/management/answer-size.ts';
import { type ApiAnswer, call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'pages-key-0123456789';
const server = useManagementServer({ API_KEYS: `pages:${key}` });

/** What this answer costs Lambda: its JSON written into the result as a string. */
const lambdaBytes = (answer: ApiAnswer) => lambdaAnswerBytes(answer.json);

describe('a page of responders', () => {
  it('stays under the limit when its responders are large, and the pages hold each one once', async () => {
    // Seven 1 MiB bodies are 7 MiB of JSON: the default page of 50 cannot hold them.
    const created: string[] = [];
    for (let index = 0; index < 7; index++) {
      const body = String(index).repeat(staticBodyMaxBytes);
      const answer = await call(server, 'POST', '/api/responders', {
        key,
        json: draft(`/large-${index}`, {}, { body }),
      });
      expect(answer.status).toBe(201);
      created.push(answer.json.id);
    }

    const listed: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const query = token === undefined ? '' : `?nextToken=${encodeURIComponent(token)}`;
      const page = await call(server, 'GET', `/api/responders${query}`, { key });
      expect(page.status).toBe(200);
      expect(lambdaBytes(page)).toBeLessThanOrEqual(managementAnswerMaxBytes);
      listed.push(...page.json.items.map((responder: { id: string }) => responder.id));
      token = page.json.nextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBeGreaterThan(1);
    expect(listed).toEqual(created);
  });
});

describe('a history', () => {
  it('stays under the limit with 100 requests of 64 KiB, and the pages give them all, newest first', async () => {
    const made = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/tracked', { method: 'POST' }, { requestsToTrack: 100 }),
    });
    expect(made.status).toBe(201);
    const id = made.json.id;
    for (let index = 0; index < 100; index++) {
      const body = `${String(index).padStart(3, '0')}${'b'.repeat(historyBodyMaxBytes - 3)}`;
      expect((await fetch(`${server.base}/pages/tracked`, { method: 'POST', body })).status).toBe(200);
    }

    const seen: string[] = [];
    let pages = 0;
    let token: string | undefined;
    do {
      const query = token === undefined ? '' : `?nextToken=${encodeURIComponent(token)}`;
      const page = await call(server, 'GET', `/api/responders/${id}/history${query}`, { key });
      expect(page.status).toBe(200);
      expect(lambdaBytes(page)).toBeLessThanOrEqual(managementAnswerMaxBytes);
      for (const request of page.json.items)
        seen.push(Buffer.from(request.body, 'base64').subarray(0, 3).toString());
      token = page.json.nextToken;
      pages++;
    } while (token !== undefined);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, index) => String(99 - index).padStart(3, '0')));

    // A token whose request has left the history (here: cleared) ends the paging instead of starting over.
    const first = await call(server, 'GET', `/api/responders/${id}/history`, { key });
    expect((await call(server, 'DELETE', `/api/responders/${id}/history`, { key })).status).toBe(204);
    await fetch(`${server.base}/pages/tracked`, { method: 'POST', body: 'after' });
    const after = await call(
      server,
      'GET',
      `/api/responders/${id}/history?nextToken=${encodeURIComponent(first.json.nextToken)}`,
      { key },
    );
    expect(after.status).toBe(200);
    expect(after.json).toEqual({ items: [] });
  });

  it.each([
    ['not base64url', '!!!'],
    ['an id with a control character', Buffer.from('a\u0001b').toString('base64url')],
    ['empty', ''],
  ])('refuses a nextToken that is %s with 400 naming it', async (_case, token) => {
    const made = await call(server, 'POST', '/api/responders', {
      key,
      json: draft(`/bad-token-${token.length}`, {}, { requestsToTrack: 5 }),
    });
    const answer = await call(server, 'GET', `/api/responders/${made.json.id}/history?nextToken=${token}`, {
      key,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/^nextToken\b/);
  });
});
