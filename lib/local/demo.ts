// The `demo` namespace of the local server: one example of each kind of responder, with curl commands.
import { type ResponderInput, responderCreateSchema } from '../responders/schema.ts';

export const demoNamespace = 'demo';
/** The shared secret of the signature-check example (like a GitHub webhook secret). */
export const demoSecret = 'demo-secret';

/** A 16×16 PNG (a blue dot) as the array of byte values a script may return as its body. */
const pixelPngBytes =
  '[137,80,78,71,13,10,26,10,0,0,0,13,73,72,68,82,0,0,0,16,0,0,0,16,8,6,0,0,0,31,243,255,97,0,0,0,48,73,68,65,84,120,218,99,96,24,180,64,59,103,195,127,100,76,182,70,146,12,34,164,153,160,33,20,25,64,172,102,156,134,12,3,3,6,62,22,168,146,144,168,146,148,233,14,0,189,76,254,161,86,93,9,251,0,0,0,0,73,69,78,68,174,66,96,130]';

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
      script: `(() => ({ body: new Uint8Array(${pixelPngBytes}) }))();`,
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
