// The web console as HTTP (docs/contract.md §11): the page and its assets from the local server, with no key, under
// the console's security headers, cached as their names allow, and within the first-load budget.
import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { consoleFirstLoadMaxBytes } from '../../lib/limits.ts';
import { call, useManagementServer } from '../support/management-server.ts';

const server = useManagementServer();

const policyWithout = (styleSrc: string) =>
  "default-src 'self'; script-src 'self'; " +
  `style-src ${styleSrc}; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; ` +
  "base-uri 'none'; form-action 'self'";

/** A GET whose body is read as sent (fetch would decompress it). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    }).on('error', reject);
  });
}

function linkedAssets(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/api\/console\/[^"]+)"/g)].map((match) => match[1] as string);
}

describe('the console page', () => {
  it('is served without a key, never cached stale, with the CSP of §11 and a fresh style nonce each time', async () => {
    const first = await call(server, 'GET', '/api/console');
    const second = await call(server, 'GET', '/api/console');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(first.headers.get('cache-control')).toBe('no-cache');
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    const nonces = [first, second].map((answer) => {
      const nonce = /<meta name="csp-nonce" content="([^"]+)">/.exec(answer.text)?.[1] as string;
      expect(answer.headers.get('content-security-policy')).toBe(policyWithout(`'self' 'nonce-${nonce}'`));
      return nonce;
    });
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(first.headers.get('content-security-policy')).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('links only same-origin assets: a module script and a style sheet', async () => {
    const page = await call(server, 'GET', '/api/console');
    const assets = linkedAssets(page.text);
    expect(assets.filter((asset) => asset.endsWith('.js'))).toHaveLength(1);
    expect(assets.filter((asset) => asset.endsWith('.css'))).toHaveLength(1);
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.text).not.toMatch(/<script>|<style|style="/);
  });

  it('is printed by the start as the console URL', () => {
    expect(server.printed).toContain(`console: ${server.base}/api/console`);
  });

  it(`loads in at most ${consoleFirstLoadMaxBytes / 1000} KB gzipped, page and assets together`, async () => {
    const page = await call(server, 'GET', '/api/console');
    let gzipped = gzipSync(page.text).byteLength;
    for (const asset of linkedAssets(page.text)) {
      gzipped += gzipSync((await call(server, 'GET', asset)).text).byteLength;
    }
    console.info(`console first load: ${(gzipped / 1000).toFixed(1)} KB gzipped`);
    expect(gzipped).toBeLessThanOrEqual(consoleFirstLoadMaxBytes);
  });
});

describe('the console assets', () => {
  it('are cached for a year under their hashed names, with an ETag that turns a revalidation into a 304', async () => {
    const page = await call(server, 'GET', '/api/console');
    for (const asset of linkedAssets(page.text)) {
      const answer = await call(server, 'GET', asset, { headers: { 'accept-encoding': 'identity' } });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-encoding')).toBeNull();
      expect(answer.headers.get('content-type')).toBe(
        asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
      );
      expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(answer.headers.get('content-security-policy')).toBe(policyWithout("'self'"));
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      const etag = answer.headers.get('etag') as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const revalidated = await call(server, 'GET', asset, {
        headers: { 'if-none-match': etag, 'accept-encoding': 'identity' },
      });
      expect(revalidated.status).toBe(304);
      expect(revalidated.text).toBe('');
      expect(revalidated.headers.get('content-security-policy')).toBe(policyWithout("'self'"));
      const stale = await call(server, 'GET', asset, { headers: { 'if-none-match': '"other"' } });
      expect(stale.status).toBe(200);
    }
  });

  it('are sent gzipped to a browser that accepts it, as the same text, under an ETag of their own', async () => {
    const page = await call(server, 'GET', '/api/console');
    for (const asset of linkedAssets(page.text)) {
      const plain = await call(server, 'GET', asset, { headers: { 'accept-encoding': 'identity' } });
      const raw = await rawGet(`${server.base}${asset}`, { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
      expect(raw.headers['content-encoding']).toBe('gzip');
      expect(raw.headers.vary).toBe('accept-encoding');
      expect(gunzipSync(raw.body).toString('utf8')).toBe(plain.text);
      expect(raw.body.byteLength).toBeLessThan(plain.text.length);
      expect(raw.headers.etag).not.toBe(plain.headers.get('etag'));
      const revalidated = await rawGet(`${server.base}${asset}`, {
        'accept-encoding': 'gzip',
        'if-none-match': raw.headers.etag as string,
      });
      expect(revalidated.status).toBe(304);
      const refused = await rawGet(`${server.base}${asset}`, { 'accept-encoding': 'gzip;q=0, identity' });
      expect(refused.headers['content-encoding']).toBeUndefined();
    }
  });

  it('answer 404 for a name that is not one of them, and 405 to anything but GET, with the same headers', async () => {
    for (const [method, path, status] of [
      ['GET', '/api/console/main-NOTBUILT.js', 404],
      ['GET', '/api/console/console.json', 404],
      ['POST', '/api/console', 405],
    ] as const) {
      const answer = await call(server, method, path);
      expect(answer.status).toBe(status);
      expect(answer.headers.get('content-security-policy')).toBe(policyWithout("'self'"));
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('leave the API beside them as it was: a key is still needed there', async () => {
    expect((await call(server, 'GET', '/api/responders')).status).toBe(401);
    expect((await call(server, 'GET', '/api/consoles')).status).toBe(401);
  });
});
