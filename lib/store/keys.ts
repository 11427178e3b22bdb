// Key builders for the items described in table.ts.
import type { HttpMethod, ResponderLocation } from '../responders/schema.ts';

export const namespacePk = (namespace: string) => `NS#${namespace}`;
export const responderSkPrefix = 'DEF#';
export const responderSk = (id: string) => `${responderSkPrefix}${id}`;
/** `write` is unique per write attempt: two updates racing for one version never share (or delete) a chunk. */
export const blobSk = (id: string, version: number, write: string, index: number) =>
  `BLOB#${id}#${String(version).padStart(10, '0')}#${write}#${String(index).padStart(3, '0')}`;
/** Lower-cased because locations match case-insensitively: `/A` and `/a` are the same location. */
export const routeSk = (method: HttpMethod, location: ResponderLocation) =>
  `ROUTE#${method}#${location.pathType}${location.path.toLowerCase()}`;

/** Sort-key range of a namespace's definitions and their chunks, and nothing else ('$' sorts after '#'). */
export const definitionsRange = { from: 'BLOB#', to: 'DEF$' } as const;

export const historyPk = (responderId: string) => `HIST#${responderId}`;
export const historyCounterSk = 'COUNTER';
export const historySlotSkPrefix = 'REQ#';
export const historySlotSk = (slot: number) => `${historySlotSkPrefix}${String(slot).padStart(3, '0')}`;

/** API keys of the management API (lib/keys): one item per key, found by the key's non-secret prefix. */
export const apiKeyPk = (prefix: string) => `KEY#${prefix}`;
export const apiKeySk = 'KEY';

/** A namespace's secrets (lib/secrets), in its partition but outside the definitions' range ('S' > 'D'). */
export const secretSkPrefix = 'SECRET#';
export const secretSk = (name: string) => `${secretSkPrefix}${name}`;
