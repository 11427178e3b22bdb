// Responders in DynamoDB (item layout in ../table.ts).
//
// Why this holds without transactions (dynalite has none, and we want one code path for both):
// - Uniqueness of (location, method): a ROUTE# claim per route, taken BEFORE the definition is written and
//   released after it moved elsewhere (route-claims.ts says how claims stay unique and how an orphaned one
//   is taken over).
// - Updates are optimistic: the definition Put is conditioned on the version read; a loser gets a conflict and
//   removes what it wrote ahead: its new chunks (keyed by its own write, so never the winner's) and its new route
//   claim, unless the winner's definition holds that same route (both claimed it under the same responder id).
// - Routing reads definitions, never claims, and a definition is one item: moving a responder to another
//   location switches in the single definition Put, so no reader ever sees both routes answer or neither
//   (the new claim is taken before, the old one released after; claims only guard writers).
// - Chunked settings are written under the NEW version's keys before the definition switches to that version,
//   and the old version's chunks are deleted only after. A reader that sees a definition therefore finds its
//   chunks, unless a later update finished in between; then the chunks are missing and it reads again.
import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { listPageSizeDefault, listPageSizeMax } from '../../limits.ts';
import { newResponderId } from '../../responders/id.ts';
import type { Responder, ResponderInput, ResponderUpdate } from '../../responders/schema.ts';
import { ResponderConflictError, ResponderNotFoundError } from '../errors.ts';
import { definitionsRange, namespacePk, responderSk, responderSkPrefix } from '../keys.ts';
import { ifItemAbsent, ifItemExists, itemKey, keyAttributeNames, tableSchema } from '../table.ts';
import type { HistoryStore, ResponderPage, ResponderStore } from '../types.ts';
import { batchDelete, batchGet, batchPut } from './batch.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { type BlobItem, blobKeys, type DefinitionItem, fromItems, toItems } from './responder-items.ts';
import { RouteClaims } from './route-claims.ts';
import { isConditionalCheckFailed, queryPages, type TableClient } from './table-client.ts';

/** How often a read retries when it caught a definition mid-update (chunks already replaced). */
const rereadAttempts = 3;

export interface DynamoResponderStoreOptions {
  client: TableClient;
  tableName: string;
  /** Deleting a responder deletes its history through this. */
  history: HistoryStore;
  now?: () => number;
}

export class DynamoResponderStore implements ResponderStore {
  readonly #client: TableClient;
  readonly #table: string;
  readonly #history: HistoryStore;
  readonly #now: () => number;
  readonly #routes: RouteClaims;

  constructor(options: DynamoResponderStoreOptions) {
    this.#client = options.client;
    this.#table = options.tableName;
    this.#history = options.history;
    this.#now = options.now ?? Date.now;
    this.#routes = new RouteClaims({
      client: this.#client,
      tableName: this.#table,
      now: this.#now,
      heldRoute: async (namespace, id) => (await this.#getDefinition(namespace, id))?.routeKey,
    });
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
    await this.#routes.claim(namespace, definition.routeKey, responder.id);
    try {
      await this.#writeDefinition(definition, blobs, ifItemAbsent);
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
    if (routeChanged) await this.#routes.claim(namespace, definition.routeKey, id);
    try {
      await this.#writeDefinition(definition, blobs, {
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': expectedVersion },
      });
    } catch (error) {
      const lost = isConditionalCheckFailed(error);
      const now = lost ? await this.#getDefinition(namespace, id) : undefined;
      const ownClaim =
        routeChanged && now?.routeKey !== definition.routeKey ? definition.routeKey : undefined;
      await this.#undo(namespace, ownClaim, id, blobs);
      if (!lost) throw error;
      if (!now) throw new ResponderNotFoundError(id);
      throw staleVersion(id, expectedVersion, now.version);
    }
    // Cleanup of what the old version held; failures here leave garbage, never a wrong answer.
    if (routeChanged) await this.#routes.release(namespace, current.routeKey, id);
    await batchDelete(this.#client, this.#table, blobKeys(namespace, current));
    return responder;
  }

  async delete(namespace: string, id: string): Promise<boolean> {
    const current = await this.#getDefinition(namespace, id);
    if (!current) return false;
    try {
      await this.#client.delete({
        TableName: this.#table,
        Key: itemKey(namespacePk(namespace), responderSk(id)),
        ...ifItemExists,
      });
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
    await this.#routes.release(namespace, current.routeKey, id);
    await batchDelete(this.#client, this.#table, blobKeys(namespace, current));
    await this.#history.remove(id);
    return true;
  }

  async list(
    namespace: string,
    options: { limit?: number; nextToken?: string } = {},
  ): Promise<ResponderPage> {
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? listPageSizeDefault)), listPageSizeMax);
    const result = await this.#client.query({
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: keyAttributeNames,
      ExpressionAttributeValues: { ':pk': namespacePk(namespace), ':prefix': responderSkPrefix },
      Limit: limit,
      ExclusiveStartKey: options.nextToken ? decodePageToken(options.nextToken, namespace) : undefined,
    });
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
    const pages = queryPages(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: keyAttributeNames,
      ExpressionAttributeValues: {
        ':pk': namespacePk(namespace),
        ':from': definitionsRange.from,
        ':to': definitionsRange.to,
      },
    });
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const sk = item[tableSchema.sortKey];
        if (typeof sk === 'string' && sk.startsWith(responderSkPrefix)) {
          definitions.push(item as DefinitionItem);
        } else {
          blobs.set(sk as string, (item as BlobItem).data);
        }
      }
    }
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
    condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<void> {
    await batchPut(this.#client, this.#table, blobs as unknown as Record<string, unknown>[]);
    await this.#client.put({ TableName: this.#table, Item: definition, ...condition });
  }

  async #getDefinition(namespace: string, id: string): Promise<DefinitionItem | undefined> {
    const { Item } = await this.#client.get({
      TableName: this.#table,
      Key: itemKey(namespacePk(namespace), responderSk(id)),
      ConsistentRead: true,
    });
    return Item as DefinitionItem | undefined;
  }

  async #assemble(namespace: string, definition: DefinitionItem, consistent: boolean) {
    const keys = blobKeys(namespace, definition);
    if (keys.length === 0) return fromItems(namespace, definition, new Map());
    const found = await batchGet(this.#client, this.#table, keys, consistent);
    const blobs = new Map(
      found.map((item) => [item[tableSchema.sortKey] as string, (item as unknown as BlobItem).data]),
    );
    return fromItems(namespace, definition, blobs);
  }

  /** Best effort: what is left behind is a stale claim (reclaimable) or unreferenced chunks, never a wrong answer. */
  async #undo(namespace: string, claimedRoute: string | undefined, id: string, blobs: readonly BlobItem[]) {
    try {
      if (claimedRoute) await this.#routes.release(namespace, claimedRoute, id);
      await batchDelete(
        this.#client,
        this.#table,
        blobs.map(({ pk, sk }) => itemKey(pk, sk)),
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
