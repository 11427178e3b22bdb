// Responders in DynamoDB (item layout in ../table.ts).
//
// Why this holds without transactions (dynalite has none, and we want one code path for both):
// - Uniqueness of (location, method): a ROUTE# claim item per route, written with a conditional Put
//   (`attribute_not_exists`) BEFORE the definition. Two writers racing for a route: exactly one Put succeeds.
// - A writer that dies between claim and definition leaves an orphaned claim. A claim counts as stale only when
//   it is older than `claimStaleAfterMs` (far beyond any request's life: API Gateway stops at 30 s) and no
//   definition holds it (the definition's `routeKey` names the claim it owns). A stale claim is taken over
//   with a Put conditioned on the exact claim read, so two writers cannot both take it.
// - Updates are optimistic: the definition Put is conditioned on the version read; a loser gets a conflict and
//   removes what it wrote ahead: its new chunks (keyed by its own write, so never the winner's) and its new route
//   claim, unless the winner's definition holds that same route (both claimed it under the same responder id).
// - Routing reads definitions, never claims, and a definition is one item: moving a responder to another
//   location switches in the single definition Put, so no reader ever sees both routes answer or neither
//   (the new claim is taken before, the old one released after; claims only guard writers).
// - Chunked settings are written under the NEW version's keys before the definition switches to that version,
//   and the old version's chunks are deleted only after. A reader that sees a definition therefore finds its
//   chunks, unless a later update finished in between; then the chunks are missing and it reads again.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { listPageSizeDefault, listPageSizeMax } from '../../limits.ts';
import { newResponderId, responderIdShape } from '../../responders/id.ts';
import type { Responder, ResponderInput, ResponderUpdate } from '../../responders/schema.ts';
import { InvalidPageTokenError, ResponderConflictError, ResponderNotFoundError } from '../errors.ts';
import { definitionsRange, namespacePk, responderSk, responderSkPrefix } from '../keys.ts';
import type { HistoryStore, ResponderPage, ResponderStore } from '../types.ts';
import { batchDelete, batchGet, batchPut } from './batch.ts';
import { type BlobItem, blobKeys, type DefinitionItem, fromItems, toItems } from './responder-items.ts';

/** A route claim without a matching definition is only reclaimed after this long (see the header comment). */
export const claimStaleAfterMs = 5 * 60 * 1000;
/** How often a read retries when it caught a definition mid-update (chunks already replaced). */
const rereadAttempts = 3;

interface ClaimItem {
  pk: string;
  sk: string;
  responderId: string;
  claimedAt: number;
}

export interface DynamoResponderStoreOptions {
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** Deleting a responder deletes its history through this. */
  history: HistoryStore;
  now?: () => number;
}

export class DynamoResponderStore implements ResponderStore {
  readonly #documents: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #history: HistoryStore;
  readonly #now: () => number;

  constructor(options: DynamoResponderStoreOptions) {
    this.#documents = options.documents;
    this.#table = options.tableName;
    this.#history = options.history;
    this.#now = options.now ?? Date.now;
  }

  async create(namespace: string, input: ResponderInput): Promise<Responder> {
    const nowMs = this.#now();
    const seconds = Math.floor(nowMs / 1000);
    const responder: Responder = {
      id: newResponderId(nowMs),
      ...input,
      version: 1,
      createdAt: seconds,
      updatedAt: seconds,
    };
    const { definition, blobs } = toItems(namespace, responder);
    await this.#claimRoute(namespace, definition.routeKey, responder.id);
    try {
      await this.#writeDefinition(definition, blobs, { ConditionExpression: 'attribute_not_exists(pk)' });
    } catch (error) {
      await this.#undo(namespace, definition.routeKey, responder.id, blobs);
      throw error;
    }
    return responder;
  }

  async get(namespace: string, id: string): Promise<Responder | undefined> {
    for (let attempt = 0; attempt < rereadAttempts; attempt++) {
      const definition = await this.#getDefinition(namespace, id);
      if (!definition) return undefined;
      const responder = await this.#assemble(namespace, definition, true);
      if (responder) return responder;
    }
    throw new Error(`responder ${id}: settings chunks kept changing while reading`);
  }

  async update(namespace: string, id: string, update: ResponderUpdate): Promise<Responder> {
    const current = await this.#getDefinition(namespace, id);
    if (!current) throw new ResponderNotFoundError(id);
    if (current.version !== update.version) throw staleVersion(id, update.version, current.version);
    const { version: expectedVersion, ...input } = update;
    const responder: Responder = {
      id,
      ...input,
      version: expectedVersion + 1,
      createdAt: current.createdAt,
      updatedAt: Math.max(current.updatedAt, Math.floor(this.#now() / 1000)),
    };
    const { definition, blobs } = toItems(namespace, responder);
    const routeChanged = definition.routeKey !== current.routeKey;
    if (routeChanged) await this.#claimRoute(namespace, definition.routeKey, id);
    try {
      await this.#writeDefinition(definition, blobs, {
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      });
    } catch (error) {
      const lost = error instanceof ConditionalCheckFailedException;
      const now = lost ? await this.#getDefinition(namespace, id) : undefined;
      const ownClaim =
        routeChanged && now?.routeKey !== definition.routeKey ? definition.routeKey : undefined;
      await this.#undo(namespace, ownClaim, id, blobs);
      if (!lost) throw error;
      if (!now) throw new ResponderNotFoundError(id);
      throw staleVersion(id, expectedVersion, now.version);
    }
    // Cleanup of what the old version held; failures here leave garbage, never a wrong answer.
    if (routeChanged) await this.#releaseRoute(namespace, current.routeKey, id);
    await batchDelete(this.#documents, this.#table, blobKeys(namespace, current));
    return responder;
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const current = await this.#getDefinition(namespace, id);
    if (!current) return false;
    try {
      await this.#documents.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { pk: namespacePk(namespace), sk: responderSk(id) },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
    await this.#releaseRoute(namespace, current.routeKey, id);
    await batchDelete(this.#documents, this.#table, blobKeys(namespace, current));
    await this.#history.clear(id);
    return true;
  }

  async list(
    namespace: string,
    options: { limit?: number; nextToken?: string } = {},
  ): Promise<ResponderPage> {
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? listPageSizeDefault)), listPageSizeMax);
    const result = await this.#documents.send(
      new QueryCommand({
        TableName: this.#table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': namespacePk(namespace), ':prefix': responderSkPrefix },
        Limit: limit,
        ExclusiveStartKey: options.nextToken ? decodePageToken(options.nextToken, namespace) : undefined,
      }),
    );
    const items: Responder[] = [];
    for (const definition of (result.Items ?? []) as DefinitionItem[]) {
      const responder = definition.settingsChunks
        ? ((await this.#assemble(namespace, definition, true)) ?? (await this.get(namespace, definition.id)))
        : fromItems(namespace, definition, new Map());
      if (responder) items.push(responder);
    }
    const page: ResponderPage = { items };
    if (result.LastEvaluatedKey) page.nextToken = encodePageToken(result.LastEvaluatedKey);
    return page;
  }

  async listAll(namespace: string): Promise<Responder[]> {
    const definitions: DefinitionItem[] = [];
    const blobs = new Map<string, Uint8Array>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.#documents.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': namespacePk(namespace),
            ':from': definitionsRange.from,
            ':to': definitionsRange.to,
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of result.Items ?? []) {
        if (typeof item.sk === 'string' && item.sk.startsWith(responderSkPrefix)) {
          definitions.push(item as DefinitionItem);
        } else {
          blobs.set(item.sk as string, (item as BlobItem).data);
        }
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    const responders: Responder[] = [];
    for (const definition of definitions) {
      const responder = fromItems(namespace, definition, blobs) ?? (await this.get(namespace, definition.id));
      if (responder) responders.push(responder);
    }
    return responders;
  }

  /** The chunks first, then the definition that names them, under the caller's condition. */
  async #writeDefinition(
    definition: DefinitionItem,
    blobs: readonly BlobItem[],
    condition: Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeValues'>,
  ): Promise<void> {
    await batchPut(this.#documents, this.#table, blobs as unknown as Record<string, unknown>[]);
    await this.#documents.send(new PutCommand({ TableName: this.#table, Item: definition, ...condition }));
  }

  async #getDefinition(namespace: string, id: string): Promise<DefinitionItem | undefined> {
    const { Item } = await this.#documents.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: namespacePk(namespace), sk: responderSk(id) },
        ConsistentRead: true,
      }),
    );
    return Item as DefinitionItem | undefined;
  }

  async #assemble(namespace: string, definition: DefinitionItem, consistent: boolean) {
    const keys = blobKeys(namespace, definition);
    if (keys.length === 0) return fromItems(namespace, definition, new Map());
    const found = await batchGet(this.#documents, this.#table, keys, consistent);
    const blobs = new Map(found.map((item) => [item.sk as string, (item as unknown as BlobItem).data]));
    return fromItems(namespace, definition, blobs);
  }

  async #claimRoute(namespace: string, sk: string, responderId: string): Promise<void> {
    const pk = namespacePk(namespace);
    const claim: ClaimItem = { pk, sk, responderId, claimedAt: this.#now() };
    try {
      await this.#documents.send(
        new PutCommand({
          TableName: this.#table,
          Item: claim,
          ConditionExpression: 'attribute_not_exists(pk) OR responderId = :id',
          ExpressionAttributeValues: { ':id': responderId },
        }),
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.#documents.send(
      new GetCommand({ TableName: this.#table, Key: { pk, sk }, ConsistentRead: true }),
    );
    const held = Item as ClaimItem | undefined;
    if (held && (await this.#isStale(namespace, held))) {
      try {
        await this.#documents.send(
          new PutCommand({
            TableName: this.#table,
            Item: claim,
            ConditionExpression: 'responderId = :held AND claimedAt = :claimedAt',
            ExpressionAttributeValues: { ':held': held.responderId, ':claimedAt': held.claimedAt },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new ResponderConflictError('route', 'another responder already has this location and method');
  }

  async #isStale(namespace: string, claim: ClaimItem): Promise<boolean> {
    if (this.#now() - claim.claimedAt < claimStaleAfterMs) return false;
    const holder = await this.#getDefinition(namespace, claim.responderId);
    return holder?.routeKey !== claim.sk;
  }

  async #releaseRoute(namespace: string, sk: string, responderId: string): Promise<void> {
    try {
      await this.#documents.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { pk: namespacePk(namespace), sk },
          ConditionExpression: 'responderId = :id',
          ExpressionAttributeValues: { ':id': responderId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Best effort: what is left behind is a stale claim (reclaimable) or unreferenced chunks, never a wrong answer. */
  async #undo(namespace: string, claimedRoute: string | undefined, id: string, blobs: readonly BlobItem[]) {
    try {
      if (claimedRoute) await this.#releaseRoute(namespace, claimedRoute, id);
      await batchDelete(
        this.#documents,
        this.#table,
        blobs.map(({ pk, sk }) => ({ pk, sk })),
      );
    } catch {
      // The original error is the one worth reporting.
    }
  }
}

function staleVersion(id: string, sent: number, stored: number) {
  return new ResponderConflictError(
    'version',
    `responder ${id} is at version ${stored}, not ${sent}: read it again and retry`,
  );
}

function encodePageToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * A token is the last key of a page this API listed, so it must be one of the caller's definition keys; the
 * key is checked whole before the Query, since a crafted one (a sort key over 1 KB, say) would otherwise make
 * the store refuse the Query and the caller's bad input look like an outage.
 */
function decodePageToken(token: string, namespace: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageTokenError();
  }
  if (key === null || typeof key !== 'object' || Object.keys(key).length !== 2)
    throw new InvalidPageTokenError();
  const { pk, sk } = key as Record<string, unknown>;
  if (
    pk !== namespacePk(namespace) ||
    typeof sk !== 'string' ||
    !sk.startsWith(responderSkPrefix) ||
    !responderIdShape.test(sk.slice(responderSkPrefix.length))
  ) {
    throw new InvalidPageTokenError();
  }
  return { pk, sk };
}
