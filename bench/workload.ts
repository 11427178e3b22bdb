// The work every section measures: a responder-like script (as in Secutils' own benchmark: decode a ~1 KB JSON
// body, read the query and a header, answer JSON) and the request it answers.
import type { ScriptContext } from '../lib/sandbox/types.ts';

export const responderScript = `(async () => {
  const payload = JSON.parse(Deno.core.decode(new Uint8Array(context.body)));
  const total = payload.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', 'x-order': String(payload.id) },
    body: { order: payload.id, total, items: payload.items.length, name: context.query.name ?? 'anonymous', agent: context.headers['user-agent'] },
  };
})();`;

/** A ~1 KB JSON order, as a webhook would post it. */
export const requestBodyText = JSON.stringify({
  id: 4711,
  customer: { name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
  items: Array.from({ length: 12 }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    title: `Item number ${i}`,
    price: 9.5 + i,
    quantity: 1 + (i % 3),
  })),
  note: 'deliver to the back door',
});

export const requestHeaders: Record<string, string> = {
  'content-type': 'application/json',
  'user-agent': 'bench/1.0',
  'x-request-id': 'b7b4a1f0-0000-4000-8000-000000000000',
};

export function benchContext(): ScriptContext {
  return {
    method: 'POST',
    path: '/order',
    rawQuery: 'name=bench',
    query: { name: 'bench' },
    headers: { ...requestHeaders },
    body: new TextEncoder().encode(requestBodyText),
    clientAddress: '127.0.0.1:40000',
  };
}

/** What the script must answer, so that every peer is checked to do the same work. */
export function checkAnswer(statusCode: number, body: string): void {
  const parsed = JSON.parse(body) as { total?: number; name?: string };
  if (statusCode !== 200 || parsed.name !== 'bench' || typeof parsed.total !== 'number') {
    throw new Error(`unexpected answer ${statusCode} ${body}`);
  }
}
