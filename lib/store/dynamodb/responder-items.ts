// A responder as DynamoDB items. The settings travel as one JSON string: inline in the definition item when
// small, otherwise in binary chunk items, because a static body may be 1 MiB and a script 64 KiB while a
// DynamoDB item holds at most 400 KB (409,600 bytes, names included).
import { randomBytes } from 'node:crypto';
import type { SavedTest } from '../../responders/saved-test-schema.ts';
import type { Responder, ResponderSettings } from '../../responders/schema.ts';
import { blobSk, namespacePk, responderSk, routeSk } from '../keys.ts';
import { type ItemKey, itemKey } from '../table.ts';

/** Settings JSON up to this size stays inline; the rest of a definition item is a few hundred bytes. */
export const settingsInlineMaxBytes = 300_000;
/** Chunk size well below the item limit, leaving room for keys and attribute names. */
export const settingsChunkBytes = 350_000;

export interface DefinitionItem extends ItemKey {
  id: string;
  name: string;
  location: Responder['location'];
  method: Responder['method'];
  enabled: boolean;
  version: number;
  createdAt: number;
  updatedAt: number;
  /** The ROUTE# claim this definition holds; a claim whose definition points elsewhere is stale. */
  routeKey: string;
  settings?: string;
  settingsChunks?: number;
  /** Names the write that made the chunks (see blobSk): a losing concurrent update cannot touch the winner's. */
  settingsWrite?: string;
  /**
   * The responder has saved tests (docs/contract.md §9): the settings JSON is then `{"settings", "tests"}`, so tests of any
   * size travel in the same inline string or chunks. Items without it hold the settings alone.
   */
  withTests?: true;
}

export interface BlobItem extends ItemKey {
  data: Uint8Array;
}

export function toItems(
  namespace: string,
  responder: Responder,
): { definition: DefinitionItem; blobs: BlobItem[] } {
  const pk = namespacePk(namespace);
  const withTests = responder.tests !== undefined && responder.tests.length > 0;
  const json = JSON.stringify(
    withTests ? { settings: responder.settings, tests: responder.tests } : responder.settings,
  );
  const bytes = Buffer.from(json, 'utf8');
  const base = {
    ...itemKey(pk, responderSk(responder.id)),
    id: responder.id,
    name: responder.name,
    location: responder.location,
    method: responder.method,
    enabled: responder.enabled,
    version: responder.version,
    createdAt: responder.createdAt,
    updatedAt: responder.updatedAt,
    routeKey: routeSk(responder.method, responder.location),
    ...(withTests ? { withTests: true as const } : {}),
  };
  if (bytes.length <= settingsInlineMaxBytes) return { definition: { ...base, settings: json }, blobs: [] };
  const write = randomBytes(6).toString('hex');
  const blobs: BlobItem[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; offset += settingsChunkBytes, index++) {
    blobs.push({
      ...itemKey(pk, blobSk(responder.id, responder.version, write, index)),
      data: bytes.subarray(offset, offset + settingsChunkBytes),
    });
  }
  return { definition: { ...base, settingsChunks: blobs.length, settingsWrite: write }, blobs };
}

export function blobKeys(
  namespace: string,
  definition: Pick<DefinitionItem, 'id' | 'version' | 'settingsChunks' | 'settingsWrite'>,
) {
  const keys: ItemKey[] = [];
  for (let index = 0; index < (definition.settingsChunks ?? 0); index++) {
    keys.push(
      itemKey(
        namespacePk(namespace),
        blobSk(definition.id, definition.version, definition.settingsWrite ?? '', index),
      ),
    );
  }
  return keys;
}

/**
 * The responder from its definition item and, for chunked settings, its chunks (any order; matched by key).
 * Undefined when a chunk is missing: the definition was read mid-update and the caller must read it again.
 */
export function fromItems(
  namespace: string,
  definition: DefinitionItem,
  blobsBySk: ReadonlyMap<string, Uint8Array>,
): Responder | undefined {
  let settingsJson = definition.settings;
  if (settingsJson === undefined) {
    const parts: Uint8Array[] = [];
    for (const key of blobKeys(namespace, definition)) {
      const part = blobsBySk.get(key.sk);
      if (!part) return undefined;
      parts.push(part);
    }
    settingsJson = Buffer.concat(parts).toString('utf8');
  }
  const parsed = JSON.parse(settingsJson) as
    | ResponderSettings
    | { settings: ResponderSettings; tests: SavedTest[] };
  const { settings, tests } = definition.withTests
    ? (parsed as { settings: ResponderSettings; tests: SavedTest[] })
    : { settings: parsed as ResponderSettings, tests: undefined };
  return {
    id: definition.id,
    name: definition.name,
    location: definition.location,
    method: definition.method,
    enabled: definition.enabled,
    settings,
    ...(tests ? { tests } : {}),
    version: definition.version,
    createdAt: definition.createdAt,
    updatedAt: definition.updatedAt,
  };
}
