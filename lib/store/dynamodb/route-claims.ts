// Route claims: what keeps (location, method) unique in a namespace without transactions (dynalite has none,
// and we want one code path for both); the responder store (responder-store.ts) takes and releases them.
// - A ROUTE# claim item per route is written with a conditional Put (`attribute_not_exists`) BEFORE the
//   definition. Two writers racing for a route: exactly one Put succeeds.
// - A writer that dies between claim and definition leaves an orphaned claim. A claim counts as stale only when
//   it is older than `claimStaleAfterMs` (far beyond any request's life: API Gateway stops at 30 s) and no
//   definition holds it (the definition's `routeKey` names the claim it owns). A stale claim is taken over
//   with a Put conditioned on the exact claim read, so two writers cannot both take it.
import { ResponderConflictError } from '../errors.ts';
import { namespacePk } from '../keys.ts';
import { type ItemKey, itemKey, partitionKeyAttributeName } from '../table.ts';
import { isConditionalCheckFailed, type TableClient } from './table-client.ts';

/** A route claim without a matching definition is only reclaimed after this long (see the header comment). */
export const claimStaleAfterMs = 5 * 60 * 1000;

interface ClaimItem extends ItemKey {
  responderId: string;
  claimedAt: number;
}

export interface RouteClaimsOptions {
  client: TableClient;
  tableName: string;
  now: () => number;
  /** The claim (routeKey) the responder's definition holds now, read consistently; undefined without one. */
  heldRoute(namespace: string, responderId: string): Promise<string | undefined>;
}

export class RouteClaims {
  readonly #client: TableClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #heldRoute: RouteClaimsOptions['heldRoute'];

  constructor(options: RouteClaimsOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#now = options.now;
    this.#heldRoute = options.heldRoute;
  }

  /** Claims the route for the responder, or throws a conflict when another responder holds it. */
  async claim(namespace: string, routeKey: string, responderId: string): Promise<void> {
    const key = itemKey(namespacePk(namespace), routeKey);
    const claim: ClaimItem = { ...key, responderId, claimedAt: this.#now() };
    try {
      await this.#client.put({
        TableName: this.#table,
        Item: claim,
        ConditionExpression: 'attribute_not_exists(#pk) OR responderId = :id',
        ExpressionAttributeNames: partitionKeyAttributeName,
        ExpressionAttributeValues: { ':id': responderId },
      });
      return;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const { Item } = await this.#client.get({ TableName: this.#table, Key: key, ConsistentRead: true });
    const held = Item as ClaimItem | undefined;
    if (held && (await this.#isStale(namespace, held))) {
      try {
        await this.#client.put({
          TableName: this.#table,
          Item: claim,
          ConditionExpression: 'responderId = :held AND claimedAt = :claimedAt',
          ExpressionAttributeValues: { ':held': held.responderId, ':claimedAt': held.claimedAt },
        });
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new ResponderConflictError('route', 'another responder already has this location and method');
  }

  /** Releases the route if this responder still holds it. */
  async release(namespace: string, routeKey: string, responderId: string): Promise<void> {
    try {
      await this.#client.delete({
        TableName: this.#table,
        Key: itemKey(namespacePk(namespace), routeKey),
        ConditionExpression: 'responderId = :id',
        ExpressionAttributeValues: { ':id': responderId },
      });
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  async #isStale(namespace: string, claim: ClaimItem): Promise<boolean> {
    if (this.#now() - claim.claimedAt < claimStaleAfterMs) return false;
    return (await this.#heldRoute(namespace, claim.responderId)) !== claim.sk;
  }
}
