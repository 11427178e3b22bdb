// The console's HTTP answers (docs/contract.md §11): the page at /api/console and its assets under /api/console/.
// No key is needed for them (the page asks for one); every answer carries the console's security headers, the
// page a fresh style nonce, since CodeMirror adds its styles as <style> elements and nothing inline may run.
import { randomBytes } from 'node:crypto';
import type { ManagementRequest, ManagementResponse } from '../management/types.ts';
import type { ConsoleBundle } from './bundle.ts';

export const consolePath = '/api/console';

export function isConsolePath(path: string): boolean {
  return path === consolePath || path.startsWith(`${consolePath}/`);
}

/** The policy of docs/contract.md §11; `styleNonce` only on the page, whose editor needs it. */
export function consoleSecurityPolicy(styleNonce?: string): string {
  const styleSrc = styleNonce ? `'self' 'nonce-${styleNonce}'` : `'self'`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src ${styleSrc}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

function securityHeaders(styleNonce?: string): Record<string, string> {
  return {
    'content-security-policy': consoleSecurityPolicy(styleNonce),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

function text(statusCode: number, body: string, headers: Record<string, string> = {}): ManagementResponse {
  return {
    statusCode,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...securityHeaders(),
      ...headers,
    },
    body,
  };
}

export function serveConsole(
  request: Pick<ManagementRequest, 'method' | 'path' | 'headers'>,
  bundle: ConsoleBundle | undefined,
): ManagementResponse {
  if (request.method.toUpperCase() !== 'GET') return text(405, 'Method not allowed.', { allow: 'GET' });
  if (!bundle) return text(404, 'The console is not part of this build.');
  const path = request.path.replace(/\/+$/, '');
  if (path === consolePath) return page(bundle);
  const asset = bundle.assets.get(path.slice(consolePath.length + 1));
  if (!asset) return text(404, 'Not found.');
  const gzip = acceptsGzip(request.headers['accept-encoding']);
  const etag = gzip ? asset.gzipEtag : asset.etag;
  const headers = {
    'cache-control': 'public, max-age=31536000, immutable',
    etag,
    vary: 'accept-encoding',
    ...securityHeaders(),
  };
  if (request.headers['if-none-match']?.split(/\s*,\s*/).includes(etag)) return { statusCode: 304, headers };
  return gzip
    ? {
        statusCode: 200,
        headers: { 'content-type': asset.contentType, 'content-encoding': 'gzip', ...headers },
        body: asset.gzipBase64(),
        isBase64Encoded: true,
      }
    : { statusCode: 200, headers: { 'content-type': asset.contentType, ...headers }, body: asset.text };
}

/** `gzip` listed without `q=0` (browsers send `gzip, deflate, br, zstd`). */
function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((coding) => {
    const [name, ...parameters] = coding.trim().toLowerCase().split(';');
    return name === 'gzip' && !parameters.some((parameter) => /^\s*q=0(\.0*)?\s*$/.test(parameter));
  });
}

function page(bundle: ConsoleBundle): ManagementResponse {
  const nonce = randomBytes(16).toString('base64');
  // Asset names are the build's own ([a-zA-Z0-9-.]), the nonce base64: nothing here needs escaping.
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="csp-nonce" content="${nonce}">`,
    '<title>Webhook responders console</title>',
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="${consolePath}/${bundle.style}">`,
    `<script type="module" src="${consolePath}/${bundle.script}"></script>`,
    '</head><body><div id="app"></div></body></html>',
  ].join('\n');
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      ...securityHeaders(nonce),
    },
    body: html,
  };
}
