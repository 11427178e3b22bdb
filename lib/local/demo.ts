// The `demo` namespace of the local server: one example of each kind of responder, with curl commands.
import { type ResponderInput, responderCreateSchema } from '../responders/schema.ts';

export const demoNamespace = 'demo';
/** The shared secret of the signature-check example (like a GitHub webhook secret). */
export const demoSecret = 'demo-secret';

/** A 16×16 PNG (a blue dot), served as bytes by a script. */
const pixelPngBase64 =
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAMElEQVR42mNgGLRAO2fDf2RMtkaSDCKkmaAhFBlArGachgwDAwY+FqiSkKiSlOkOAL1M/qFWXQn7AAAAAElFTkSuQmCC';

const hmacScript = `(() => {
  // GitHub-style signature: X-Hub-Signature-256: sha256=<hex HMAC of the raw body>.
  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  const expected = Deno.core.encode('sha256=' + hex(crypto.hmac('sha256', '${demoSecret}', context.body)));
  const given = Deno.core.encode(context.headers['x-hub-signature-256'] ?? '');
  const verified = given.length === expected.length && crypto.timingSafeEqual(given, expected);
  console.log(verified ? 'signature ok' : 'signature mismatch');
  return { statusCode: verified ? 200 : 401, body: { verified } };
})();`;

export const demoResponders: ResponderInput[] = [
  {
    name: 'Static JSON',
    location: { pathType: '=', path: '/hello' },
    method: 'GET',
    settings: {
      statusCode: 200,
      headers: [['content-type', 'application/json']],
      body: '{"message":"Hello from webhook-responders"}',
    },
  },
  {
    name: 'Greeting from the query',
    location: { pathType: '=', path: '/greet' },
    method: 'GET',
    settings: {
      headers: [['content-type', 'application/json']],
      script: "(async () => ({ body: { hello: context.query.name ?? 'anonymous' } }))();",
    },
  },
  {
    name: 'Signed webhook (HMAC-SHA256)',
    location: { pathType: '=', path: '/github' },
    method: 'POST',
    settings: { requestsToTrack: 10, headers: [['content-type', 'application/json']], script: hmacScript },
  },
  {
    name: 'Binary image',
    location: { pathType: '=', path: '/pixel.png' },
    method: 'GET',
    settings: {
      headers: [['content-type', 'image/png']],
      script: `(() => ({ body: Uint8Array.from(atob('${pixelPngBase64}'), (c) => c.charCodeAt(0)) }))();`,
    },
  },
  {
    name: 'Echo',
    location: { pathType: '^', path: '/echo' },
    method: 'ANY',
    settings: {
      requestsToTrack: 10,
      headers: [['content-type', 'application/json']],
      script:
        '(() => ({ body: { method: context.method, path: context.path, query: context.query, ' +
        'headers: context.headers, body: Deno.core.decode(context.body), clientAddress: context.clientAddress } }))();',
    },
  },
].map((input) => responderCreateSchema.parse(input));

export function demoCurlExamples(baseUrl: string): string[] {
  const base = `${baseUrl}/${demoNamespace}`;
  const body = '{"zen":"Keep it logically awesome."}';
  return [
    `curl -i ${base}/hello`,
    `curl -i '${base}/greet?name=Ada'`,
    `body='${body}'; sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac ${demoSecret} | sed 's/^.* //'); \\\n  curl -i -H "x-hub-signature-256: sha256=$sig" -H 'content-type: application/json' -d "$body" ${base}/github`,
    `curl -s ${base}/pixel.png -o pixel.png && file pixel.png`,
    `curl -i -X PUT -H 'cookie: a=1' -d 'hello' '${base}/echo/anything?x=1&x=2'`,
  ];
}
