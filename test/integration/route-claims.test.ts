// Route claims left behind by a writer that died between claim and definition (responder-store.ts header):
// refused while young, taken over once stale, never taken from a live responder, and by one writer only.
import { beforeAll, describe, expect, it } from 'vitest';
import { type ResponderInput, responderCreateSchema } from '../../lib/responders/schema.ts';
import { DynamoResponderStore } from '../../lib/store/dynamodb/responder-store.ts';
import { claimStaleAfterMs } from '../../lib/store/dynamodb/route-claims.ts';
import { ResponderConflictError } from '../../lib/store/index.ts';
import { namespacePk, routeSk } from '../../lib/store/keys.ts';
import { useDynalite } from '../support/dynalite.ts';
import { tableClientKinds } from '../support/table-clients.ts';

describe.each(tableClientKinds)('route claims over the $name client', (kind) => {
  const db = useDynalite(kind);
  const startMs = Date.UTC(2026, 10, 25, 12);
  let nowMs = startMs;
  let store: DynamoResponderStore;

  beforeAll(() => {
    store = new DynamoResponderStore({
      client: db.stores.client,
      tableName: db.dynamo.tableName,
      history: db.stores.history,
      now: () => nowMs,
    });
  });

  function input(path: string): ResponderInput {
    return responderCreateSchema.parse({
      name: path,
      location: { pathType: '=', path },
      method: 'POST',
      settings: { body: 'ok' },
    });
  }

  /** What a writer that died after its claim and before its definition leaves in the table. */
  async function orphanedClaim(namespace: string, path: string, claimedAt: number): Promise<void> {
    await db.stores.client.put({
      TableName: db.dynamo.tableName,
      Item: {
        pk: namespacePk(namespace),
        sk: routeSk('POST', input(path).location),
        responderId: '01900000-0000-7000-8000-00000000dead',
        claimedAt,
      },
    });
  }

  async function claimHolder(namespace: string, path: string): Promise<unknown> {
    const { Item } = await db.stores.client.get({
      TableName: db.dynamo.tableName,
      Key: { pk: namespacePk(namespace), sk: routeSk('POST', input(path).location) },
      ConsistentRead: true,
    });
    return Item?.responderId;
  }

  describe('a route claim without a definition', () => {
    it('keeps its route taken while it is younger than the stale age', async () => {
      nowMs = startMs;
      await orphanedClaim('claims-young', '/hook', startMs);
      nowMs = startMs + claimStaleAfterMs - 1;
      await expect(store.create('claims-young', input('/hook'))).rejects.toMatchObject({ reason: 'route' });
      expect(await store.listAll('claims-young')).toEqual([]);
    });

    it('is taken over by a create once it is stale, and the route then belongs to the new responder', async () => {
      nowMs = startMs;
      await orphanedClaim('claims-stale', '/hook', startMs);
      nowMs = startMs + claimStaleAfterMs;
      const created = await store.create('claims-stale', input('/hook'));
      expect(await claimHolder('claims-stale', '/hook')).toBe(created.id);
      expect((await store.listAll('claims-stale')).map((r) => r.id)).toEqual([created.id]);
      // The takeover is a claim like any other: the next writer is refused.
      await expect(store.create('claims-stale', input('/hook'))).rejects.toBeInstanceOf(
        ResponderConflictError,
      );
    });

    it('is taken over by an update that moves a responder onto its route', async () => {
      nowMs = startMs;
      const moving = await store.create('claims-update', input('/old'));
      await orphanedClaim('claims-update', '/new', startMs);
      nowMs = startMs + claimStaleAfterMs;
      const { id: _id, version, createdAt: _c, updatedAt: _u, ...rest } = moving;
      const moved = await store.update('claims-update', moving.id, {
        ...rest,
        version,
        location: { pathType: '=', path: '/new' },
      });
      expect(moved.location.path).toBe('/new');
      expect(await claimHolder('claims-update', '/new')).toBe(moving.id);
      expect(await claimHolder('claims-update', '/old')).toBeUndefined();
    });

    it('goes to exactly one of two writers racing to take it over', async () => {
      nowMs = startMs;
      await orphanedClaim('claims-race', '/hook', startMs);
      nowMs = startMs + claimStaleAfterMs + 1;
      const outcomes = await Promise.allSettled([
        store.create('claims-race', input('/hook')),
        store.create('claims-race', input('/hook')),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((o) => o.reason)).toEqual([expect.objectContaining({ reason: 'route' })]);
      const winner = (won[0] as PromiseFulfilledResult<{ id: string }>).value.id;
      expect(await claimHolder('claims-race', '/hook')).toBe(winner);
      expect((await store.listAll('claims-race')).map((r) => r.id)).toEqual([winner]);
    });
  });

  describe('a route claim held by a live responder', () => {
    it('is never taken over, however old', async () => {
      nowMs = startMs;
      const holder = await store.create('claims-live', input('/hook'));
      nowMs = startMs + 100 * claimStaleAfterMs;
      await expect(store.create('claims-live', input('/hook'))).rejects.toMatchObject({ reason: 'route' });
      expect(await claimHolder('claims-live', '/hook')).toBe(holder.id);
    });
  });
});
