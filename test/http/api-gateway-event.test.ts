import { describe, expect, it } from 'vitest';
import { webhookRequestFromEvent } from '../../lib/http/api-gateway-event.ts';
import { apiGatewayEvent } from '../support/events.ts';

describe('API Gateway v2 event -> webhook request', () => {
  it('splits the namespace from the path and keeps the path as received', () => {
    const request = webhookRequestFromEvent(apiGatewayEvent({ rawPath: '/Demo/GitHub/push/' }));
    expect(request).toMatchObject({ namespace: 'demo', path: '/GitHub/push/', method: 'POST' });
  });

  it('gives the namespace root the path /', () => {
    expect(webhookRequestFromEvent(apiGatewayEvent({ rawPath: '/demo' })).path).toBe('/');
    expect(webhookRequestFromEvent(apiGatewayEvent({ rawPath: '/demo/' })).path).toBe('/');
  });

  it('keeps a percent-encoded unicode path as received', () => {
    const request = webhookRequestFromEvent(apiGatewayEvent({ rawPath: '/demo/caf%C3%A9/%F0%9F%90%99' }));
    expect(request.path).toBe('/caf%C3%A9/%F0%9F%90%99');
  });

  it('parses the query with one value per key, the last winning, and keeps the raw query', () => {
    const request = webhookRequestFromEvent(apiGatewayEvent({ rawQueryString: 'a=1&b=x%20y&a=2&flag' }));
    expect(request.rawQuery).toBe('a=1&b=x%20y&a=2&flag');
    expect(request.query).toEqual({ a: '2', b: 'x y', flag: '' });
  });

  it('keeps repeated headers joined with a comma, as API Gateway sends them', () => {
    const request = webhookRequestFromEvent(
      apiGatewayEvent({ headers: { 'x-multi': 'one,two', 'X-Upper': 'v' } }),
    );
    expect(request.headers['x-multi']).toBe('one,two');
    expect(request.headers['x-upper']).toBe('v');
  });

  it('merges the cookies API Gateway splits out back into a cookie header', () => {
    const request = webhookRequestFromEvent(apiGatewayEvent({ cookies: ['session=abc', 'theme=dark'] }));
    expect(request.headers.cookie).toBe('session=abc; theme=dark');
  });

  it('decodes a base64 body to the exact bytes', () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x80]);
    const request = webhookRequestFromEvent(
      apiGatewayEvent({ body: bytes.toString('base64'), isBase64Encoded: true }),
    );
    expect(Buffer.from(request.body).equals(bytes)).toBe(true);
  });

  it('encodes a text body as UTF-8 bytes', () => {
    const request = webhookRequestFromEvent(apiGatewayEvent({ body: '{"name":"Zoë 🐙"}' }));
    expect(Buffer.from(request.body).toString('utf8')).toBe('{"name":"Zoë 🐙"}');
  });

  it('gives an empty body as zero bytes', () => {
    const request = webhookRequestFromEvent(apiGatewayEvent({ method: 'GET' }));
    expect(request.body).toBeInstanceOf(Uint8Array);
    expect(request.body.byteLength).toBe(0);
  });

  it('takes the client address from the source IP, with the port where known', () => {
    expect(webhookRequestFromEvent(apiGatewayEvent({ sourceIp: '203.0.113.5' })).clientAddress).toBe(
      '203.0.113.5',
    );
    const local = apiGatewayEvent({ sourceIp: '::1' });
    Object.assign(local.requestContext.http, { sourcePort: 51234 });
    expect(webhookRequestFromEvent(local).clientAddress).toBe('[::1]:51234');
  });

  it('carries the API Gateway request id', () => {
    expect(webhookRequestFromEvent(apiGatewayEvent({ requestId: 'abc=' })).requestId).toBe('abc=');
  });
});
