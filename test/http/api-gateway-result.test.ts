import { describe, expect, it } from 'vitest';
import { resultFromWebhookResponse } from '../../lib/http/api-gateway-result.ts';
import { encodedResultBytes, publicAnswerPolicy } from '../../lib/webhook/response-encoding.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('webhook response -> API Gateway v2 result', () => {
  it('keeps a JSON body as text', () => {
    const result = resultFromWebhookResponse({
      statusCode: 201,
      headers: [['Content-Type', 'application/json']],
      body: bytes('{"ok":"✓"}'),
    });
    expect(result).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'content-security-policy': publicAnswerPolicy },
      body: '{"ok":"✓"}',
      isBase64Encoded: false,
    });
  });

  it("makes every answer a sandboxed document, beside the responder's own policy", () => {
    const bare = resultFromWebhookResponse({ statusCode: 200, headers: [], body: bytes('<p>hi</p>') });
    expect(bare.headers?.['content-security-policy']).toBe(publicAnswerPolicy);
    expect(publicAnswerPolicy).toMatch(/^sandbox /);
    expect(publicAnswerPolicy).not.toContain('allow-same-origin');
    const own = resultFromWebhookResponse({
      statusCode: 200,
      headers: [['Content-Security-Policy', "default-src 'self'"]],
      body: bytes('<p>hi</p>'),
    });
    expect(own.headers?.['content-security-policy']).toBe(`default-src 'self', ${publicAnswerPolicy}`);
  });

  it('keeps an undeclared UTF-8 body as text', () => {
    const result = resultFromWebhookResponse({ statusCode: 200, headers: [], body: bytes('plain') });
    expect(result.body).toBe('plain');
    expect(result.isBase64Encoded).toBe(false);
  });

  it('sends a PNG as base64 so API Gateway delivers the exact bytes', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const result = resultFromWebhookResponse({
      statusCode: 200,
      headers: [['content-type', 'image/png']],
      body: png,
    });
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64').equals(Buffer.from(png))).toBe(true);
  });

  it('sends invalid UTF-8 as base64 even when declared as text', () => {
    const result = resultFromWebhookResponse({
      statusCode: 200,
      headers: [['content-type', 'text/plain']],
      body: new Uint8Array([0xff, 0xfe, 0x41]),
    });
    expect(result.isBase64Encoded).toBe(true);
    expect(result.body).toBe(Buffer.from([0xff, 0xfe, 0x41]).toString('base64'));
  });

  it('moves several set-cookie headers into cookies and joins other repeats', () => {
    const result = resultFromWebhookResponse({
      statusCode: 200,
      headers: [
        ['set-cookie', 'a=1; Path=/'],
        ['Set-Cookie', 'b=2'],
        ['x-tag', 'one'],
        ['x-tag', 'two'],
      ],
      body: new Uint8Array(0),
    });
    expect(result.cookies).toEqual(['a=1; Path=/', 'b=2']);
    expect(result.headers).toEqual({ 'x-tag': 'one, two', 'content-security-policy': publicAnswerPolicy });
    expect(result.body).toBe('');
  });
});

describe('the encoding of a text body', () => {
  it('stays text while JSON escaping costs no more than base64', () => {
    const body = bytes('say "hi"\n');
    const result = resultFromWebhookResponse({ statusCode: 200, headers: [], body });
    expect(result).toMatchObject({ body: 'say "hi"\n', isBase64Encoded: false });
    expect(encodedResultBytes({ statusCode: 200, headers: [], body })).toBe(
      Buffer.byteLength(JSON.stringify(result)),
    );
  });

  it.each([
    ['quotes', '"'.repeat(300)],
    ['control characters', '\u0001'.repeat(300)],
    ['backslashes', '\\'.repeat(300)],
  ])('goes out in base64 when it is mostly %s, and the size is counted as sent', (_name, text) => {
    const response = {
      statusCode: 200,
      headers: [['content-type', 'text/plain']] as Array<[string, string]>,
      body: bytes(text),
    };
    const result = resultFromWebhookResponse(response);
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body ?? '', 'base64').toString()).toBe(text);
    expect(encodedResultBytes(response)).toBe(Buffer.byteLength(JSON.stringify(result)));
  });

  it('counts multi-byte text and headers exactly as JSON.stringify writes them', () => {
    const response = {
      statusCode: 200,
      headers: [
        ['content-type', 'text/plain; charset=utf-8'],
        ['x-quote', 'caf\u00e9 "\t"'],
        ['set-cookie', 'a=1'],
      ] as Array<[string, string]>,
      body: bytes('h\u00e9llo \u2028 \u{1F600} "q"'),
    };
    expect(encodedResultBytes(response)).toBe(
      Buffer.byteLength(JSON.stringify(resultFromWebhookResponse(response))),
    );
  });
});
