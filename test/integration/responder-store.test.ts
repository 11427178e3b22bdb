import { describe, expect, it } from 'vitest';
import { staticBodyMaxBytes } from '../../lib/limits.ts';
import { type ResponderInput, responderCreateSchema } from '../../lib/responders/schema.ts';
import {
  InvalidPageTokenError,
  ResponderConflictError,
  ResponderNotFoundError,
} from '../../lib/store/index.ts';
import { historyPk } from '../../lib/store/keys.ts';
import { useDynalite } from '../support/dynalite.ts';
import { tableClientKinds } from '../support/table-clients.ts';
import { trackedRequest } from '../support/tracked-request.ts';

function input(overrides: Partial<ResponderInput> & { path?: string } = {}): ResponderInput {
  const { path = '/hook', ...rest } = overrides;
  return responderCreateSchema.parse({
    name: 'hook',
    location: { pathType: '=', path },
    method: 'POST',
    settings: { statusCode: 200, headers: [['content-type', 'text/plain']], body: 'ok' },
    ...rest,
  });
}

describe.each(tableClientKinds)('DynamoDB responder store over the $name client', (kind) => {
  const db = useDynalite(kind);

  it('creates a responder with id, version 1 and timestamps, and reads it back', async () => {
    const created = await db.stores.responders.create('store-a', input());
    expect(created.version).toBe(1);
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await db.stores.responders.get('store-a', created.id)).toEqual(created);
  });

  it('keeps a responder invisible from another namespace', async () => {
    const created = await db.stores.responders.create('store-b', input());
    expect(await db.stores.responders.get('store-c', created.id)).toBeUndefined();
  });

  it('rejects a second responder with the same location and method, whatever the case of the path', async () => {
    await db.stores.responders.create('store-d', input({ path: '/Same' }));
    await expect(db.stores.responders.create('store-d', input({ path: '/same' }))).rejects.toBeInstanceOf(
      ResponderConflictError,
    );
    expect(await db.stores.responders.listAll('store-d')).toHaveLength(1);
  });

  it('allows the same path with another method or another path type', async () => {
    await db.stores.responders.create('store-e', input());
    await db.stores.responders.create('store-e', input({ method: 'GET' }));
    await db.stores.responders.create('store-e', input({ location: { pathType: '^', path: '/hook' } }));
    expect(await db.stores.responders.listAll('store-e')).toHaveLength(3);
  });

  it('updates with the version it read and refuses a stale version without changing anything', async () => {
    const created = await db.stores.responders.create('store-f', input());
    const updated = await db.stores.responders.update('store-f', created.id, {
      ...input({ name: 'renamed' }),
      version: 1,
    });
    expect(updated).toMatchObject({ name: 'renamed', version: 2, createdAt: created.createdAt });
    const stale = db.stores.responders.update('store-f', created.id, {
      ...input({ name: 'lost' }),
      version: 1,
    });
    await expect(stale).rejects.toMatchObject({ reason: 'version' });
    expect((await db.stores.responders.get('store-f', created.id))?.name).toBe('renamed');
  });

  it('moves a responder to a free route and releases the old one', async () => {
    const created = await db.stores.responders.create('store-g', input({ path: '/old' }));
    await db.stores.responders.update('store-g', created.id, { ...input({ path: '/new' }), version: 1 });
    const reuse = await db.stores.responders.create('store-g', input({ path: '/old' }));
    expect(reuse.location.path).toBe('/old');
  });

  it('refuses to move a responder onto a route another one holds', async () => {
    await db.stores.responders.create('store-h', input({ path: '/taken' }));
    const mover = await db.stores.responders.create('store-h', input({ path: '/mine' }));
    const move = db.stores.responders.update('store-h', mover.id, {
      ...input({ path: '/taken' }),
      version: 1,
    });
    await expect(move).rejects.toMatchObject({ reason: 'route' });
    expect((await db.stores.responders.get('store-h', mover.id))?.location.path).toBe('/mine');
  });

  it('reports an update of a missing responder as not found', async () => {
    const update = db.stores.responders.update('store-i', 'nope', { ...input(), version: 1 });
    await expect(update).rejects.toBeInstanceOf(ResponderNotFoundError);
  });

  it('deletes a responder with its history and frees its route', async () => {
    const created = await db.stores.responders.create(
      'store-j',
      input({ settings: { requestsToTrack: 5, statusCode: 200, headers: [] } }),
    );
    await db.stores.history.record(created.id, 5, trackedRequest('r1'));
    expect(await db.stores.responders.delete('store-j', created.id)).toBe(true);
    expect(await db.stores.responders.get('store-j', created.id)).toBeUndefined();
    expect(await db.stores.history.list(created.id, 5)).toEqual([]);
    // Nothing of its history is left behind for TTL: the request, nor the counter that numbered it.
    const { Items } = await db.stores.client.query({
      TableName: db.dynamo.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': historyPk(created.id) },
      ConsistentRead: true,
    });
    expect(Items).toEqual([]);
    expect(await db.stores.responders.delete('store-j', created.id)).toBe(false);
    await db.stores.responders.create('store-j', input());
  });

  it('lists a namespace in pages with a token, in creation order', async () => {
    for (let i = 0; i < 5; i++) await db.stores.responders.create('store-k', input({ path: `/p${i}` }));
    const first = await db.stores.responders.list('store-k', { limit: 3 });
    expect(first.items.map((r) => r.location.path)).toEqual(['/p0', '/p1', '/p2']);
    expect(first.nextToken).toBeDefined();
    const second = await db.stores.responders.list('store-k', { limit: 3, nextToken: first.nextToken });
    expect(second.items.map((r) => r.location.path)).toEqual(['/p3', '/p4']);
    expect(second.nextToken).toBeUndefined();
  });

  it('rejects a page token it did not issue, or one of another namespace', async () => {
    await expect(db.stores.responders.list('store-kt', { nextToken: 'garbage' })).rejects.toBeInstanceOf(
      InvalidPageTokenError,
    );
    // Two responders in a namespace of its own, so that a page of one has a token whichever tests ran before.
    for (const path of ['/token-1', '/token-2']) {
      await db.stores.responders.create('store-kt', input({ path }));
    }
    const page = await db.stores.responders.list('store-kt', { limit: 1 });
    expect(page.nextToken).toBeDefined();
    await expect(db.stores.responders.list('store-l', { nextToken: page.nextToken })).rejects.toBeInstanceOf(
      InvalidPageTokenError,
    );
  });

  it('rejects a crafted token the store itself would refuse (a sort key over 1 KB) before it queries', async () => {
    const token = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
    for (const key of [
      { pk: 'NS#store-k', sk: `DEF#${'a'.repeat(1100)}` },
      { pk: 'NS#store-k', sk: 'DEF#' },
      { pk: 'NS#store-k', sk: 'DEF#a/b' },
      { pk: 'NS#store-k', sk: 1 },
      ['NS#store-k', 'DEF#a'],
    ]) {
      await expect(db.stores.responders.list('store-k', { nextToken: token(key) })).rejects.toBeInstanceOf(
        InvalidPageTokenError,
      );
    }
  });

  it('stores a 1 MiB body and a 64 KiB script beyond the 400 KB item limit, and updates them', async () => {
    const body = 'é'.repeat(staticBodyMaxBytes / 2);
    const script = `/*${'x'.repeat(64 * 1024 - 10)}*/ 1`;
    const big = input({ settings: { requestsToTrack: 0, statusCode: 200, headers: [], body, script } });
    const created = await db.stores.responders.create('store-m', big);
    expect((await db.stores.responders.get('store-m', created.id))?.settings.body).toBe(body);
    const [listed] = await db.stores.responders.listAll('store-m');
    expect(listed?.settings.script).toBe(script);
    const smaller = await db.stores.responders.update('store-m', created.id, {
      ...input({ settings: { ...big.settings, body: 'small' } }),
      version: 1,
    });
    expect((await db.stores.responders.get('store-m', created.id))?.settings.body).toBe('small');
    const bigAgain = await db.stores.responders.update('store-m', created.id, {
      ...big,
      version: smaller.version,
    });
    expect((await db.stores.responders.list('store-m')).items[0]?.settings.body).toBe(body);
    expect(bigAgain.version).toBe(3);
  });
});
