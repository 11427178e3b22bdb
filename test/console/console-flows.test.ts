// The web console in a real browser (docs/contract.md §11), driven by the labels and names it gives, against the real
// local server: sign in and out, responders, saving and its errors, history, try and replay, saved tests,
// secrets, the breaker, the keyboard and axe-core.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { historyBodyMaxBytes } from '../../lib/limits.ts';
import {
  type PageGlobals,
  screenshot,
  seriousAxeViolations,
  signIn,
  typeScript,
  useBrowser,
} from '../support/browser.ts';
import { call, draft, useManagementServer } from '../support/management-server.ts';

const key = 'console-flows-key';
// Upstream calls to this very server (loopback) show in the history detail.
const server = useManagementServer({ API_KEY: key, FORWARD_ALLOW_PRIVATE: 'true' });
const browser = useBrowser();

async function create(
  path: string,
  overrides: Record<string, unknown> = {},
  settings: Record<string, unknown> = {},
) {
  const answer = await call(server, 'POST', '/api/responders', {
    key,
    json: draft(path, overrides, settings),
  });
  expect(answer.status).toBe(201);
  return answer.json as { id: string; name: string; version: number };
}

async function openResponder(page: Page, name: string) {
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** The text of what an input's aria-describedby points at: its hint and its error. */
async function description(field: Locator): Promise<string> {
  const ids = (await field.getAttribute('aria-describedby')) ?? '';
  return field.page().evaluate(
    (described) =>
      described
        .split(' ')
        .map((id) => (globalThis as unknown as PageGlobals).document.getElementById(id)?.textContent ?? '')
        .join(' '),
    ids,
  );
}

function publicRequest(path: string, init: RequestInit = {}) {
  return fetch(`${server.base}/demo${path}`, init);
}

describe('signing in', () => {
  it('says so when the key is bad, keeps a good key in sessionStorage only, and forgets it on sign out', async () => {
    const { page, context, requests } = await browser.open(server.base);
    await page.getByLabel('API key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('That API key was not accepted');

    await signIn(page, key);
    const storage = await page.evaluate(() => {
      const { localStorage, sessionStorage, document } = globalThis as unknown as PageGlobals;
      const first = sessionStorage.key(0);
      return {
        local: localStorage.length,
        session: sessionStorage.length,
        value: first === null ? null : sessionStorage.getItem(first),
        cookie: document.cookie,
      };
    });
    expect(storage).toEqual({ local: 0, session: 1, value: key, cookie: '' });
    expect(await context.cookies()).toEqual([]);
    expect(page.url()).toBe(`${server.base}/api/console`);
    expect(requests.filter((request) => request.url.includes(key))).toEqual([]);
    await expect(page.getByText('namespace demo').count()).resolves.toBe(1);

    // A reload of the tab keeps the session; the key is not asked again.
    await page.reload();
    await page.getByRole('button', { name: 'New responder' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.length)).toBe(0);
  });
});

describe('responders', () => {
  it('creates one from the form with a script, lists it, and shows its public URL with a copy button and a curl line', async () => {
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await page.getByRole('button', { name: 'New responder' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Made in the console');
    await page.getByLabel('Method', { exact: true }).selectOption('POST');
    await page.getByLabel('Path type', { exact: true }).selectOption('=');
    await page.getByLabel('Path', { exact: true }).fill('/console-made');
    await page.getByLabel('Status code', { exact: true }).fill('201');
    await page.getByLabel('Headers', { exact: true }).fill('content-type: text/plain\nx-made: console');
    await page.getByLabel('Requests to track', { exact: true }).fill('5');
    await page.getByLabel('Memory limit', { exact: true }).fill('8388608');
    await page.getByLabel('Deadline', { exact: true }).fill('500');
    await typeScript(page, "(() => ({ body: 'made ' + context.method }))()");
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved (version 1)' }).waitFor();

    const url = `${server.base}/demo/console-made`;
    await expect(page.getByText(url, { exact: true }).count()).resolves.toBe(1);
    await expect(page.getByText(`curl -i -X POST '${url}'`).count()).resolves.toBe(1);
    await page.getByRole('button', { name: 'Copy URL' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Copied|Copying was refused/ })
      .waitFor();

    const answer = await publicRequest('/console-made', { method: 'POST' });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('x-made')).toBe('console');
    expect(await answer.text()).toBe('made POST');

    await page.getByRole('button', { name: 'Back to the list' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Made in the console' });
    await expect(row.textContent()).resolves.toMatch(/POST.*\/console-made.*yes.*last 5.*script/);
  });

  it('disables and enables one from the list', async () => {
    const made = await create('/console-toggle', { name: 'Toggle me' });
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await page.getByRole('button', { name: 'Disable Toggle me' }).click();
    await page.getByRole('button', { name: 'Enable Toggle me' }).waitFor();
    expect((await call(server, 'GET', `/api/responders/${made.id}`, { key })).json.enabled).toBe(false);
    expect((await publicRequest('/console-toggle')).status).toBe(404);
    await page.getByRole('button', { name: 'Enable Toggle me' }).click();
    await page.getByRole('button', { name: 'Disable Toggle me' }).waitFor();
    expect((await call(server, 'GET', `/api/responders/${made.id}`, { key })).json.enabled).toBe(true);
  });

  it('deletes one only once the delete is confirmed', async () => {
    const made = await create('/console-delete', { name: 'Delete me' });
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Delete me');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await call(server, 'GET', `/api/responders/${made.id}`, { key })).status).toBe(200);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { level: 1, name: 'Responders' }).waitFor();
    expect((await call(server, 'GET', `/api/responders/${made.id}`, { key })).status).toBe(404);
    await expect(page.getByRole('button', { name: 'Delete me', exact: true }).count()).resolves.toBe(0);
  });
});

describe('saving', () => {
  it('shows a syntax error beside the script with its line, and marks that line in the editor', async () => {
    const made = await create('/console-syntax', { name: 'Syntax' });
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Syntax');
    await typeScript(page, 'const fine = 1;\nconst broken = ;\nfine;');
    await page.getByRole('button', { name: 'Save' }).click();
    const error = page.locator('#error-script');
    await expect(error.textContent()).resolves.toMatch(/settings\.script: syntax error: .*\(line 2\)/);
    // The editor takes its description in an effect after the error renders: read until it has.
    await expect
      .poll(() => description(page.getByRole('textbox', { name: 'Script', exact: true })))
      .toMatch(/line 2/);
    await expect(page.locator('.cm-error-line').textContent()).resolves.toBe('const broken = ;');
    expect((await call(server, 'GET', `/api/responders/${made.id}`, { key })).json.version).toBe(1);
  });

  it("shows the server's refusal next to the field it names", async () => {
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await page.getByRole('button', { name: 'New responder' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Bad path');
    await page.getByLabel('Path', { exact: true }).fill('no-slash');
    await page.getByLabel('Status code', { exact: true }).fill('42');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#error-path').waitFor();
    const path = page.getByLabel('Path', { exact: true });
    await expect(path.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(description(path)).resolves.toContain('location.path: must start with /');
    await expect(description(page.getByLabel('Status code', { exact: true }))).resolves.toContain(
      'settings.statusCode: must be between',
    );
  });

  it('says so on a stale version, and reloads the version saved elsewhere', async () => {
    const made = await create('/console-stale', { name: 'Stale' });
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Stale');
    const { id, version, createdAt, updatedAt, ...definition } = (
      await call(server, 'GET', `/api/responders/${made.id}`, { key })
    ).json;
    const elsewhere = await call(server, 'PUT', `/api/responders/${id}`, {
      key,
      json: { ...definition, version, settings: { ...definition.settings, body: 'changed elsewhere' } },
    });
    expect(elsewhere.status).toBe(200);

    await page.getByLabel('Body', { exact: true }).fill('changed here');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('version conflict');
    await page.getByRole('button', { name: 'Reload the latest version' }).click();
    await page.getByRole('status').filter({ hasText: 'Reloaded version 2' }).waitFor();
    await expect(page.getByLabel('Body', { exact: true }).inputValue()).resolves.toBe('changed elsewhere');
  });

  it('refuses a save whose saved tests fail and shows why; the tests also run on their own', async () => {
    const made = await create('/console-tests', { name: 'Tested' });
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Tested');
    await page.getByRole('button', { name: 'Tests' }).click();
    const tests = [
      { name: 'answers 200', expect: { statusCode: 200 } },
      { name: 'answers created', expect: { statusCode: 201 } },
    ];
    await page.getByLabel('Saved tests (JSON)').fill(JSON.stringify(tests));
    await page.getByRole('button', { name: 'Run the tests' }).click();
    await page.getByRole('status').filter({ hasText: '2 tests: 1 passed, 1 failed' }).waitFor();
    await expect(
      page.getByRole('listitem').filter({ hasText: 'failed answers created' }).textContent(),
    ).resolves.toContain('statusCode: expected 201, got 200');

    await page.getByRole('button', { name: 'Definition' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Saved tests failed' });
    await expect(alert.textContent()).resolves.toContain('answers created');
    const stored = (await call(server, 'GET', `/api/responders/${made.id}`, { key })).json;
    expect(stored.version).toBe(1);
    expect(stored.tests).toBeUndefined();
  });
});

describe('history', () => {
  it('shows a new public request while open, and its detail: headers, body, answer and console lines', async () => {
    await create(
      '/console-history',
      { name: 'Tracked', method: 'ANY' },
      {
        requestsToTrack: 5,
        script: "console.log('seen', context.query.n); ({ body: { n: context.query.n } })",
      },
    );
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Tracked');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByText('No tracked requests yet.').waitFor();

    await publicRequest('/console-history?n=7', {
      method: 'POST',
      headers: { 'x-sent-by': 'the test', 'content-type': 'application/json' },
      body: '{"order":7}',
    });
    // The view fetches every 2 s: the row comes without a reload (the wait is generous, no timing verdict).
    const row = page.getByRole('row').filter({ hasText: '/console-history?n=7' });
    await row.waitFor({ timeout: 15_000 });
    await expect(row.textContent()).resolves.toMatch(/POST.*\/console-history\?n=7.*200.*ok/);
    await row.getByRole('button').click();
    const detail = page.getByRole('article');
    await expect(detail.getByRole('row').filter({ hasText: 'x-sent-by' }).textContent()).resolves.toContain(
      'the test',
    );
    await expect(detail.locator('pre.body').first().textContent()).resolves.toBe('{\n  "order": 7\n}');
    await expect(detail.locator('pre.body').nth(1).textContent()).resolves.toBe('{\n  "n": "7"\n}');
    await expect(detail.getByRole('list', { name: 'Console lines' }).textContent()).resolves.toContain(
      'seen 7',
    );
    await detail.getByRole('radio', { name: 'Text' }).first().check();
    await expect(detail.locator('pre.body[data-view="text"]').textContent()).resolves.toBe('{"order":7}');
  });

  it('pages to older requests when the history does not fit one answer, not refreshing meanwhile', async () => {
    await create('/console-large', { name: 'Large', method: 'POST' }, { requestsToTrack: 100 });
    // 100 requests of 64 KiB pass one management answer (6 MB once escaped into Lambda's result).
    for (let index = 0; index < 100; index++) {
      const body = `${String(index).padStart(3, '0')}${'b'.repeat(historyBodyMaxBytes - 3)}`;
      expect((await publicRequest('/console-large', { method: 'POST', body })).status).toBe(200);
    }
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Large');
    await page.getByRole('button', { name: 'History' }).click();
    const rows = page.getByRole('table', { name: 'Tracked requests, newest first' }).locator('tbody tr');
    const loadOlder = page.getByRole('button', { name: 'Load older requests' });
    await loadOlder.waitFor();
    const newestPage = await rows.count();
    expect(newestPage).toBeGreaterThan(0);
    expect(newestPage).toBeLessThan(100);

    while ((await loadOlder.count()) > 0) {
      const before = await rows.count();
      await loadOlder.click();
      await page.waitForFunction(
        (count) =>
          (globalThis as unknown as PageGlobals).document.querySelectorAll('table.history tbody tr').length >
          count,
        before,
      );
    }
    await page.getByRole('status').filter({ hasText: 'Showing older requests too' }).waitFor();
    await expect(rows.count()).resolves.toBe(100);
    const bodyOf = async (row: Locator) => {
      await row.getByRole('button').click();
      return (await page.getByRole('article').locator('pre.body').first().textContent())?.slice(0, 4);
    };
    await expect(bodyOf(rows.first())).resolves.toBe('099b');
    await expect(bodyOf(rows.last())).resolves.toBe('000b');

    await page.getByRole('button', { name: 'Show the newest again' }).click();
    await loadOlder.waitFor();
    await expect(rows.count()).resolves.toBe(newestPage);
  });

  it('shows a binary body as hex', async () => {
    await create('/console-binary', { name: 'Binary', method: 'POST' }, { requestsToTrack: 5 });
    await publicRequest('/console-binary', {
      method: 'POST',
      body: new Uint8Array([0x00, 0x01, 0x02, 0xff, 0xfe, 0x41]),
    });
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Binary');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('row').filter({ hasText: '/console-binary' }).getByRole('button').click();
    const detail = page.getByRole('article');
    await expect(detail.getByRole('radio', { name: 'Hex' }).first().isChecked()).resolves.toBe(true);
    await expect(detail.locator('pre.body').first().textContent()).resolves.toBe(
      `00000000  ${'00 01 02 ff fe 41'.padEnd(47)}  .....A`,
    );
  });

  it("lists a request's upstream calls in its detail, failed ones with their error", async () => {
    const upstream = `${server.base}/demo/hello`;
    await create(
      '/console-upstream',
      { name: 'Forwards' },
      {
        requestsToTrack: 5,
        script: `(async () => {
  const answer = await Deno.core.ops.op_proxy_request({ url: ${JSON.stringify(`${upstream}?token=hidden`)} });
  await Deno.core.ops.op_proxy_request({ url: 'http://127.0.0.1:1/closed' }).catch(() => null);
  return { body: 'upstream said ' + answer.statusCode };
})()`,
      },
    );
    expect(await (await publicRequest('/console-upstream')).text()).toBe('upstream said 200');
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Forwards');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('row').filter({ hasText: '/console-upstream' }).getByRole('button').click();
    const calls = page.getByRole('article').getByRole('table').last().getByRole('row');
    await expect(calls.nth(1).textContent()).resolves.toMatch(new RegExp(`^GET${upstream}200`));
    await expect(calls.nth(2).textContent()).resolves.toMatch(
      /^GEThttp:\/\/127\.0\.0\.1:1\/closednone.*Failed to connect/,
    );
    expect(await page.getByRole('article').textContent()).not.toContain('token=hidden');
  });

  it("shows the circuit breaker's answers (outcome breaker) once a script keeps failing", async () => {
    await create(
      '/console-breaker',
      { name: 'Failing' },
      { requestsToTrack: 10, script: "throw new Error('always')" },
    );
    for (let attempt = 0; attempt < 6; attempt++) await publicRequest('/console-breaker');
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Failing');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('status').filter({ hasText: 'Circuit breaker open' }).waitFor();
    await expect(
      page.getByRole('row').filter({ hasText: 'breaker' }).first().textContent(),
    ).resolves.toContain('503');
  });

  it('sets the answer the open breaker gives instead of 503, showing a bad one beside its field', async () => {
    const made = await create(
      '/console-fallback',
      { name: 'Flaky' },
      { requestsToTrack: 10, script: "throw new Error('always')" },
    );
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Flaky');
    await page.getByLabel('Fallback answer while the breaker is open').check();
    const status = page.getByLabel('Fallback status code', { exact: true });
    await status.fill('42');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#error-fallbackStatusCode').waitFor();
    await expect(status.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(description(status)).resolves.toContain(
      'settings.fallback.statusCode: must be at least 200',
    );

    await status.fill('200');
    await page.getByLabel('Fallback headers', { exact: true }).fill('content-type: text/plain');
    await page.getByLabel('Fallback body', { exact: true }).fill('down for maintenance');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved (version 2)' }).waitFor();
    const stored = await call(server, 'GET', `/api/responders/${made.id}`, { key });
    expect(stored.json.settings.fallback).toEqual({
      statusCode: 200,
      headers: [['content-type', 'text/plain']],
      body: 'down for maintenance',
    });

    for (let attempt = 0; attempt < 5; attempt++)
      expect((await publicRequest('/console-fallback')).status).toBe(500);
    const whileOpen = await publicRequest('/console-fallback');
    expect(whileOpen.status).toBe(200);
    expect(await whileOpen.text()).toBe('down for maintenance');

    // Read back into the form, and taken out again.
    await page.getByRole('button', { name: 'Back to the list' }).click();
    await openResponder(page, 'Flaky');
    await expect(page.getByLabel('Fallback body', { exact: true }).inputValue()).resolves.toBe(
      'down for maintenance',
    );
    await page.getByLabel('Fallback answer while the breaker is open').uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved (version 3)' }).waitFor();
    const without = await call(server, 'GET', `/api/responders/${made.id}`, { key });
    expect(without.json.settings.fallback).toBeUndefined();
  });
});

describe('try and replay', () => {
  const script = (changed: boolean) =>
    `(() => ({ body: ${changed ? "context.query.who === 'b' ? 'changed' : " : ''}'hello ' + (context.query.who ?? 'nobody') }))()`;

  it('tries the draft against a hand-made request and against a tracked one', async () => {
    await create('/console-try', { name: 'Try me' }, { requestsToTrack: 5, script: script(false) });
    await publicRequest('/console-try?who=tracked');
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Try me');
    await page.getByRole('button', { name: 'Try and replay' }).click();
    await page.getByLabel('Request query').fill('who=hand');
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    const answer = page.getByRole('article', { name: "The draft's answer" });
    await expect(answer.locator('pre.body').textContent()).resolves.toBe('hello hand');

    const tracked = await page.locator('#try-source option', { hasText: '?who=tracked' }).textContent();
    await page.getByLabel('Request to try').selectOption({ label: tracked ?? '' });
    await page.getByRole('button', { name: 'Try', exact: true }).click();
    await answer.locator('pre.body', { hasText: /^hello tracked$/ }).waitFor();
  });

  it('replays a changed draft over the history and shows which answers differ, with the diff', async () => {
    await create('/console-replay', { name: 'Replay me' }, { requestsToTrack: 5, script: script(false) });
    await publicRequest('/console-replay?who=a');
    await publicRequest('/console-replay?who=b');
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await openResponder(page, 'Replay me');
    await typeScript(page, script(true));
    await page.getByRole('button', { name: 'Try and replay' }).click();
    await page.getByRole('button', { name: 'Replay the draft over the history' }).click();
    await page.getByRole('status').filter({ hasText: '2 replayed: 1 same, 1 different' }).waitFor();
    const different = page.locator('ul.replay > li.different');
    await expect(different.count()).resolves.toBe(1);
    await expect(different.textContent()).resolves.toMatch(
      /\?who=b.*body: recorded 7 bytes, replayed 7 bytes, first difference at byte 0/,
    );
    await expect(page.locator('ul.replay > li.same').textContent()).resolves.toContain('?who=a');
  });
});

describe('secrets', () => {
  it('sets a secret without ever showing its value again, lets a responder see it, and deletes it', async () => {
    const value = 'value-never-shown-again';
    const { page } = await browser.open(server.base);
    await signIn(page, key);
    await page.getByRole('button', { name: 'Secrets' }).click();
    await page.getByLabel('Secret name').fill('CONSOLE_TOKEN');
    await page.getByLabel('Secret value').fill(value);
    await page.getByRole('button', { name: 'Set secret' }).click();
    await page.getByRole('cell', { name: 'CONSOLE_TOKEN', exact: true }).waitFor();
    await expect(page.getByLabel('Secret value').inputValue()).resolves.toBe('');
    expect(await page.content()).not.toContain(value);

    await page.getByRole('button', { name: 'Responders' }).click();
    await page.getByRole('button', { name: 'New responder' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Uses a secret');
    await page.getByLabel('Path', { exact: true }).fill('/console-secret');
    await page.getByLabel('Secret access').selectOption('listed');
    await page.getByLabel('Secret names').fill('CONSOLE_TOKEN');
    await typeScript(page, '(() => ({ body: String(context.secrets.CONSOLE_TOKEN.length) }))()');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved (version 1)' }).waitFor();
    expect(await (await publicRequest('/console-secret')).text()).toBe(String(value.length));

    await page.getByRole('button', { name: 'Secrets' }).click();
    await page.getByRole('button', { name: 'Delete secret CONSOLE_TOKEN' }).click();
    await page.getByRole('status').filter({ hasText: 'Secret CONSOLE_TOKEN deleted.' }).waitFor();
    const listed = (await call(server, 'GET', '/api/secrets', { key })).json.items;
    expect(listed.map((item: { name: string }) => item.name)).not.toContain('CONSOLE_TOKEN');
  });
});

describe('from the keyboard only', () => {
  /** Presses Tab until the focused element has this id or text; fails if it is not reachable. */
  async function tabTo(page: Page, target: string) {
    for (let presses = 0; presses < 80; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = (globalThis as unknown as PageGlobals).document.activeElement;
        return [element?.id ?? '', element?.textContent?.trim() ?? ''];
      });
      if (focused.includes(target)) return;
    }
    throw new Error(`${target} is not reachable with Tab`);
  }

  it('signs in, creates a responder and saves it', async () => {
    const { page } = await browser.open(server.base);
    await tabTo(page, 'api-key');
    await page.keyboard.type(key);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'New responder' }).waitFor();
    await tabTo(page, 'New responder');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'New responder' }).waitFor();
    // The form opens on its first field.
    await page.keyboard.type('Typed only');
    await tabTo(page, 'field-path');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('/console-keyboard');
    await tabTo(page, 'field-body');
    await page.keyboard.type('typed');
    await tabTo(page, 'Save');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'Saved (version 1)' }).waitFor();
    expect(await (await publicRequest('/console-keyboard')).text()).toBe('typed');
  });
});

describe('accessibility and screenshots', () => {
  it('has no serious or critical axe-core violation on sign-in, the list, the editor, history, try and replay, tests and secrets', async () => {
    await create(
      '/console-axe',
      { name: 'Looked at', method: 'POST' },
      {
        requestsToTrack: 5,
        headers: [['content-type', 'application/json']],
        script:
          "console.log('order', context.query.id);\n({ body: { accepted: true, id: context.query.id } })",
      },
    );
    await publicRequest('/console-axe?id=42', { method: 'POST', body: '{"item":"book","quantity":1}' });
    const { page, messages } = await browser.open(server.base);
    await screenshot(page, 'sign-in');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await signIn(page, key);
    await screenshot(page, 'list');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await openResponder(page, 'Looked at');
    await screenshot(page, 'editor');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('row').filter({ hasText: '/console-axe?id=42' }).getByRole('button').click();
    await page.getByRole('article').waitFor();
    await screenshot(page, 'history');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Try and replay' }).click();
    await page.getByRole('button', { name: 'Replay the draft over the history' }).click();
    await page.getByRole('status').filter({ hasText: '1 replayed' }).waitFor();
    await screenshot(page, 'try-and-replay');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Tests' }).click();
    await page.getByRole('button', { name: 'Run the tests' }).click();
    await page.getByRole('status').filter({ hasText: '0 tests' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Secrets' }).click();
    await page.getByRole('heading', { level: 1, name: 'Secrets' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // CodeMirror's styles came in under the page's nonce: the CSP refused nothing.
    expect(messages.filter((message) => message.includes('Content Security Policy'))).toEqual([]);
  });
});
