// A real Chromium for the web console's tests (docs/contract.md §11): the one @sparticuz/chromium carries in npm, driven
// by playwright-core, so `npm ci && npm test` needs nothing else. One browser per test file, a new context
// (fresh sessionStorage, cookies and storage) per test. Everything a page does that a test may judge is
// recorded: dialogs, page errors, CSP refusals and every request it makes.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import chromium from '@sparticuz/chromium';
import axe from 'axe-core';
import { type Browser, type BrowserContext, type Page, chromium as playwright } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * The browser globals the tests read inside the page. Test code is type-checked without the DOM library (it
 * would retype Node's fetch for every test), so the callbacks given to page.evaluate cast globalThis to this.
 */
export interface PageGlobals {
  localStorage: { length: number };
  sessionStorage: { length: number; getItem(name: string): string | null; key(index: number): string | null };
  document: {
    cookie: string;
    activeElement: { id: string; textContent: string | null } | null;
    getElementById(id: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): { length: number };
  };
  axe: { run(): Promise<{ violations: { id: string; impact?: string; nodes: { target: unknown[] }[] }[] }> };
  [name: string]: unknown;
}

/** Gitignored; written on every run so the views can be looked at. */
export const screenshotDir = path.resolve('test-results', 'console');

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  dialogs: string[];
  pageErrors: string[];
  /** Console messages of the page (CSP refusals show up here). */
  messages: string[];
  /** Every request the page made: its resource type and URL. */
  requests: { type: string; url: string }[];
}

/**
 * @sparticuz/chromium's arguments are made for Lambda: one process, and the same-origin policy and site isolation
 * off. A test of a page's security runs the browser as users do: those are left out (a single process also
 * ends the whole browser when a test's context closes).
 */
const lambdaOnlyArguments = [
  '--single-process',
  '--disable-web-security',
  '--allow-running-insecure-content',
  '--disable-site-isolation-trials',
];
const browserArguments = chromium.args.filter(
  (argument) => !lambdaOnlyArguments.includes(argument) && !argument.startsWith('--disable-features='),
);

export function useBrowser(): { open(base: string): Promise<ConsolePage> } {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await playwright.launch({
      executablePath: await chromium.executablePath(),
      args: browserArguments,
      headless: true,
    });
  }, 60_000);
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    async open(base) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const opened: ConsolePage = { page, context, dialogs: [], pageErrors: [], messages: [], requests: [] };
      page.on('dialog', (dialog) => {
        opened.dialogs.push(dialog.message());
        dialog.dismiss().catch(() => {});
      });
      page.on('pageerror', (error) => opened.pageErrors.push(error.message));
      page.on('console', (message) => opened.messages.push(`${message.type()}: ${message.text()}`));
      page.on('request', (request) =>
        opened.requests.push({ type: request.resourceType(), url: request.url() }),
      );
      await page.goto(`${base}/api/console`);
      return opened;
    },
  };
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'New responder' }).waitFor();
}

/** Replaces the script editor's text, as typing would (CodeMirror sees an input event). */
export async function typeScript(page: Page, script: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Script', exact: true });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(script);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** axe-core's serious and critical violations on the page as it is now, as `rule: targets` lines. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: an inline <script> would be refused by the page's CSP, as it should be.
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as PageGlobals).axe.run();
    return result.violations.map(({ id, impact, nodes }) => ({
      id,
      impact,
      targets: nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  return violations
    .filter(({ impact }) => impact === 'serious' || impact === 'critical')
    .map(({ id, targets }) => `${id}: ${targets.join(', ')}`);
}
