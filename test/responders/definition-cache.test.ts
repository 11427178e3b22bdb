import { describe, expect, it } from 'vitest';
import { DefinitionCache } from '../../lib/responders/definition-cache.ts';
import { selectResponder } from '../../lib/responders/routing.ts';
import { type Responder, responderSchema } from '../../lib/responders/schema.ts';

const responder = (path: string): Responder =>
  responderSchema.parse({
    id: path,
    name: path,
    location: { pathType: '=', path },
    method: 'ANY',
    settings: {},
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  });

function counting(data: Record<string, Responder[]>) {
  const loads: string[] = [];
  return {
    loads,
    load: async (namespace: string) => {
      loads.push(namespace);
      return data[namespace] ?? [];
    },
  };
}

describe('definition cache', () => {
  it('loads a namespace once within the TTL and again after it', async () => {
    let now = 0;
    const source = counting({ a: [responder('/x')] });
    const cache = new DefinitionCache({ load: source.load, ttlMs: 1000, now: () => now });
    expect((await cache.lookup('a')).hit).toBe(false);
    now = 999;
    expect((await cache.lookup('a')).hit).toBe(true);
    now = 1000;
    expect((await cache.lookup('a')).hit).toBe(false);
    expect(source.loads).toEqual(['a', 'a']);
  });

  it('caches an empty namespace like any other', async () => {
    const source = counting({});
    const cache = new DefinitionCache({ load: source.load, ttlMs: 1000 });
    await cache.lookup('ghost');
    const second = await cache.lookup('ghost');
    expect(second.hit).toBe(true);
    expect(selectResponder(second.table, 'GET', '/x')).toBeUndefined();
    expect(source.loads).toEqual(['ghost']);
  });

  it('shares one load between concurrent misses', async () => {
    const source = counting({ a: [responder('/x')] });
    const cache = new DefinitionCache({ load: source.load, ttlMs: 1000 });
    await Promise.all([cache.lookup('a'), cache.lookup('a'), cache.lookup('a')]);
    expect(source.loads).toEqual(['a']);
  });

  it('does not cache a failed load', async () => {
    let fail = true;
    const cache = new DefinitionCache({
      load: async () => {
        if (fail) throw new Error('store down');
        return [responder('/x')];
      },
    });
    await expect(cache.lookup('a')).rejects.toThrow('store down');
    fail = false;
    expect(selectResponder((await cache.lookup('a')).table, 'GET', '/x')?.id).toBe('/x');
  });

  it('keeps at most maxNamespaces, dropping the least recently used', async () => {
    const source = counting({});
    const cache = new DefinitionCache({ load: source.load, ttlMs: 60_000, maxNamespaces: 2 });
    await cache.lookup('a');
    await cache.lookup('b');
    await cache.lookup('a');
    await cache.lookup('c');
    expect((await cache.lookup('a')).hit).toBe(true);
    expect((await cache.lookup('b')).hit).toBe(false);
  });

  it('forgets a namespace on invalidate', async () => {
    const source = counting({});
    const cache = new DefinitionCache({ load: source.load, ttlMs: 60_000 });
    await cache.lookup('a');
    cache.invalidate('a');
    expect((await cache.lookup('a')).hit).toBe(false);
  });

  it('does not keep a load that was in flight when the namespace was invalidated', async () => {
    const answers: Array<(responders: Responder[]) => void> = [];
    const cache = new DefinitionCache({
      load: () => new Promise<Responder[]>((resolve) => answers.push(resolve)),
      ttlMs: 60_000,
    });
    const before = cache.lookup('a');
    // A write lands (and invalidates) while the read that started before it is still out.
    cache.invalidate('a');
    const after = cache.lookup('a');
    answers[0]?.([]);
    answers[1]?.([responder('/new')]);
    expect(selectResponder((await before).table, 'GET', '/new')).toBeUndefined();
    expect(selectResponder((await after).table, 'GET', '/new')).toBeDefined();
    const next = await cache.lookup('a');
    expect(next.hit).toBe(true);
    expect(selectResponder(next.table, 'GET', '/new')).toBeDefined();
  });

  it('forgets only the namespace invalidated: the others stay cached', async () => {
    const source = counting({});
    const cache = new DefinitionCache({ load: source.load, ttlMs: 60_000 });
    await cache.lookup('a');
    await cache.lookup('b');
    cache.invalidate('a');
    expect((await cache.lookup('b')).hit).toBe(true);
    expect((await cache.lookup('a')).hit).toBe(false);
    expect(source.loads).toEqual(['a', 'b', 'a']);
  });

  it('forgets every namespace, and every load in flight, on invalidate()', async () => {
    const answers = new Map<string, (responders: Responder[]) => void>();
    const loads: string[] = [];
    const cache = new DefinitionCache({
      load: (namespace) => {
        loads.push(namespace);
        return new Promise<Responder[]>((resolve) => answers.set(namespace, resolve));
      },
      ttlMs: 60_000,
    });
    const settledA = cache.lookup('a');
    answers.get('a')?.([responder('/old')]);
    await settledA;
    const inFlightB = cache.lookup('b');
    cache.invalidate();
    answers.get('b')?.([responder('/old')]);
    await inFlightB;
    const again = [cache.lookup('a'), cache.lookup('b')];
    answers.get('a')?.([responder('/new')]);
    answers.get('b')?.([responder('/new')]);
    for (const lookup of await Promise.all(again)) {
      expect(lookup.hit).toBe(false);
      expect(selectResponder(lookup.table, 'GET', '/new')).toBeDefined();
    }
    expect(loads).toEqual(['a', 'b', 'a', 'b']);
  });
});
