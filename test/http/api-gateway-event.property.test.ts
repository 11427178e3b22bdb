// Property: whatever API Gateway (payload 2.0) sends, the adapter hands the core the same headers, query and
// body bytes, and a body sent back goes out as the same bytes. Names include those that are Object.prototype
// members (`constructor`, `__proto__`), which a plain `{}` would mangle or drop.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { webhookRequestFromEvent } from '../../lib/http/api-gateway-event.ts';
import { resultFromWebhookResponse } from '../../lib/http/api-gateway-result.ts';
import { publicAnswerPolicy } from '../../lib/webhook/response-encoding.ts';
import { apiGatewayEvent } from '../support/events.ts';

const runs = { numRuns: 200 };

const tokenChars = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~".split('');
const headerName = fc.oneof(
  fc.constantFrom(
    'constructor',
    '__proto__',
    'tostring',
    'hasownproperty',
    'content-type',
    'x-hub-signature',
  ),
  fc.string({ unit: fc.constantFrom(...tokenChars), minLength: 1, maxLength: 20 }),
);
// Header values as API Gateway passes them: visible ASCII and spaces, no leading or trailing white space.
const headerValue = fc
  .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })
  .map((value) => value.trim());
const headers = fc.dictionary(headerName, headerValue, { maxKeys: 12 });

// Query keys and values of any Unicode text, encoded the way a client would.
const queryText = fc.oneof(fc.constantFrom('constructor', '__proto__', 'a'), fc.string({ maxLength: 12 }));
const queryPairs = fc.array(fc.tuple(queryText, fc.string({ maxLength: 12 })), { maxLength: 10 });

const eventBody = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes, base64: true })),
  fc
    .string({ unit: 'grapheme', maxLength: 100 })
    .map((text) => ({ bytes: Buffer.from(text), base64: false })),
);

function eventOf(
  headerMap: Record<string, string>,
  pairs: [string, string][],
  body: { bytes: Uint8Array; base64: boolean },
): APIGatewayProxyEventV2 {
  const rawQueryString = pairs
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
  const event = apiGatewayEvent({
    rawPath: '/demo/hook',
    rawQueryString: '',
    body: body.base64 ? Buffer.from(body.bytes).toString('base64') : Buffer.from(body.bytes).toString('utf8'),
    isBase64Encoded: body.base64,
  });
  // Only the generated headers, as own properties whatever their names.
  event.headers = Object.fromEntries(Object.entries(headerMap));
  event.rawQueryString = rawQueryString;
  return event;
}

describe('API Gateway v2 event -> webhook request (property)', () => {
  it('hands the core every header, the raw and parsed query and the exact body bytes', () => {
    fc.assert(
      fc.property(headers, queryPairs, eventBody, (headerMap, pairs, body) => {
        const request = webhookRequestFromEvent(eventOf(headerMap, pairs, body));
        expect(Object.entries(request.headers).sort()).toEqual(Object.entries(headerMap).sort());
        const lastWins = new Map<string, string>();
        for (const [key, value] of pairs) lastWins.set(key, value);
        expect(Object.entries(request.query).sort()).toEqual([...lastWins].sort());
        expect(request.rawQuery).toBe(
          pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
        );
        expect(Buffer.from(request.body).equals(Buffer.from(body.bytes))).toBe(true);
      }),
      runs,
    );
  });

  it('sends any body back as the same bytes, text or base64, whatever its content type', () => {
    const contentType = fc.option(
      fc.constantFrom(
        'application/json',
        'text/plain; charset=utf-8',
        'image/png',
        'application/octet-stream',
      ),
      { nil: undefined },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), contentType, (bytes, type) => {
        const result = resultFromWebhookResponse({
          statusCode: 200,
          headers: type === undefined ? [] : [['content-type', type]],
          body: bytes,
        });
        const sent = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
        expect(sent.equals(Buffer.from(bytes))).toBe(true);
      }),
      runs,
    );
  });

  it('keeps response header names that are Object.prototype members', () => {
    fc.assert(
      fc.property(fc.dictionary(headerName, headerValue, { maxKeys: 8 }), (headerMap) => {
        const sent = Object.entries(headerMap).filter(
          ([name]) => name !== 'set-cookie' && name !== 'content-security-policy',
        );
        const result = resultFromWebhookResponse({ statusCode: 200, headers: sent, body: new Uint8Array(0) });
        expect(Object.entries(result.headers ?? {}).sort()).toEqual(
          [...sent, ['content-security-policy', publicAnswerPolicy]].sort(),
        );
      }),
      runs,
    );
  });
});
