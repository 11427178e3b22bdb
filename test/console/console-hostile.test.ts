// Hostile data in the web console (docs/contract.md §11): what public callers and scripts send is shown as text. A
// request whose path, query, headers and body carry markup, event handlers and javascript: URLs, answered by a
// script whose console lines and answer carry the same, opens no dialog, sets no global and loads nothing.
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type PageGlobals, signIn, useBrowser } from '../support/browser.ts';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'console-hostile-key';
const server = useManagementServer({ API_KEY: key });
const browser = useBrowser();

const markup = {
  img: `<img src=x onerror="window.__pwned='img';alert('img')">`,
  script: `<script>window.__pwned='script';alert('script')</script>`,
  link: `<a href="javascript:window.__pwned='link'">click</a>`,
  url: `javascript:alert('url')`,
};
// Node sends a path as written as long as it holds no white space or control character.
const hostilePath = `/hostile/<img/src=x/onerror=alert('path')>/<script>alert('path')</script>/javascript:alert('path')`;
const hostileQuery = `q=<script>alert('query')</script>&u=javascript:alert('query')&i=<img/src=x/onerror=alert('query')>`;
const hostileName = `<img src=x onerror="alert('name')">`;

const script = `
console.log(${JSON.stringify(markup.img)});
console.error(${JSON.stringify(markup.script)});
console.log(${JSON.stringify(markup.url)});
({
  headers: { 'content-type': 'text/html', 'x-answer': ${JSON.stringify(markup.img)} },
  body: ${JSON.stringify(markup.script + markup.link)},
})`;

function sendHostileRequest(): Promise<number> {
  const body = Buffer.from(markup.script + markup.img + markup.link);
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.base);
    const sent = httpRequest(
      {
        // Given as a path, not a URL: a URL would have its query percent-encoded on the way.
        hostname,
        port,
        path: `/demo${hostilePath}?${hostileQuery}`,
        method: 'POST',
        headers: {
          'content-type': 'text/html',
          'x-hostile-img': markup.img,
          'x-hostile-script': markup.script,
          'x-hostile-url': markup.url,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('hostile data in the console', () => {
  it('is shown as text in the list, the history, its detail and a try: no dialog, no global, nothing loaded', async () => {
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: draft(
        '/hostile',
        { name: hostileName, method: 'ANY', location: { pathType: '^', path: '/hostile' } },
        {
          requestsToTrack: 5,
          script,
        },
      ),
    });
    expect(created.status).toBe(201);
    expect(await sendHostileRequest()).toBe(200);

    const opened = await browser.open(server.base);
    const { page } = opened;
    await signIn(page, key);
    await page.getByRole('button', { name: hostileName, exact: true }).click();
    await page.getByRole('button', { name: 'History' }).click();
    await page
      .getByRole('row')
      .filter({ hasText: "<img/src=x/onerror=alert('path')>" })
      .getByRole('button')
      .click();
    const detail = page.getByRole('article');
    await detail.waitFor();

    // Every hostile string is there, as the characters it was sent as.
    const text = (await page.locator('main').textContent()) ?? '';
    for (const expected of [
      `${hostilePath}?${hostileQuery}`,
      markup.img,
      markup.script,
      markup.url,
      markup.script + markup.img + markup.link,
      markup.script + markup.link,
    ]) {
      expect(text).toContain(expected);
    }

    await page.getByRole('button', { name: 'Try and replay' }).click();
    const tracked = await page.locator('#try-source option', { hasText: 'POST /hostile' }).textContent();
    await page.getByLabel('Request to try').selectOption({ label: tracked ?? '' });
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    const answer = page.getByRole('article', { name: "The draft's answer" });
    await answer.getByText(markup.script + markup.link).waitFor();
    await page.getByRole('button', { name: 'Replay the draft over the history' }).click();
    await page.getByRole('status').filter({ hasText: '1 replayed: 1 same, 0 different' }).waitFor();

    const dom = await page.evaluate(() => {
      const { document, __pwned } = globalThis as unknown as PageGlobals;
      return {
        pwned: __pwned ?? null,
        images: document.querySelectorAll('img').length,
        links: document.querySelectorAll('a').length,
        scripts: document.querySelectorAll('script').length,
        frames: document.querySelectorAll('iframe, object, embed').length,
      };
    });
    expect(dom).toEqual({ pwned: null, images: 0, links: 0, scripts: 1, frames: 0 });
    expect(opened.dialogs).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    // Nothing was even attempted: no CSP refusal, and no request but the page, its two assets and API calls.
    expect(opened.messages.filter((message) => message.includes('Content Security Policy'))).toEqual([]);
    const loaded = opened.requests.filter((request) => request.type !== 'fetch');
    expect(loaded.map((request) => request.type).sort()).toEqual(['document', 'script', 'stylesheet']);
    for (const request of opened.requests) expect(request.url.startsWith(`${server.base}/api/`)).toBe(true);
  });

  it("cannot reach the console's key from a public HTML answer opened in the same tab", async () => {
    // Whatever the console keeps in the tab's sessionStorage, the page tries to read it all and show it.
    const thief = `<!doctype html><title>waiting</title><script>
      try {
        const found = [];
        for (let i = 0; i < sessionStorage.length; i++) found.push(sessionStorage.getItem(sessionStorage.key(i)));
        document.title = 'read:' + found.join('|');
      } catch (error) {
        document.title = 'refused:' + error.name;
      }
    </script>`;
    const created = await call(server, 'POST', '/api/responders', {
      key,
      json: draft('/thief', {}, { headers: [['content-type', 'text/html']], body: thief }),
    });
    expect(created.status).toBe(201);

    const { page } = await browser.open(server.base);
    await signIn(page, key);
    const kept = await page.evaluate(() => {
      const { sessionStorage } = globalThis as unknown as PageGlobals;
      return Array.from({ length: sessionStorage.length }, (_, i) =>
        sessionStorage.getItem(sessionStorage.key(i) ?? ''),
      );
    });
    expect(kept.join('|')).toContain(key);

    await page.goto(`${server.base}/demo/thief`);
    await page.waitForFunction(
      () => (globalThis as unknown as { document: { title: string } }).document.title !== 'waiting',
    );
    const title = await page.title();
    // The answer is a sandboxed document: its script ran, in an origin of its own, where storage is refused.
    expect(title).toBe('refused:SecurityError');
    expect(title).not.toContain(key);
  });
});
