// The `nextToken` of a responder list: the last key of the page, opaque to the caller.
import { responderIdShape } from '../../responders/id.ts';
import { InvalidPageTokenError } from '../errors.ts';
import { namespacePk, responderSkPrefix } from '../keys.ts';
import { type ItemKey, itemKey, tableSchema } from '../table.ts';

export function encodePageToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * A token is the last key of a page this API listed, so it must be one of the caller's definition keys; the
 * key is checked whole before the Query, since a crafted one (a sort key over 1 KB, say) would otherwise make
 * the store refuse the Query and the caller's bad input look like an outage.
 */
export function decodePageToken(token: string, namespace: string): ItemKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageTokenError();
  }
  if (key === null || typeof key !== 'object' || Object.keys(key).length !== 2)
    throw new InvalidPageTokenError();
  const { [tableSchema.partitionKey]: pk, [tableSchema.sortKey]: sk } = key as Record<string, unknown>;
  if (
    pk !== namespacePk(namespace) ||
    typeof sk !== 'string' ||
    !sk.startsWith(responderSkPrefix) ||
    !responderIdShape.test(sk.slice(responderSkPrefix.length))
  ) {
    throw new InvalidPageTokenError();
  }
  return itemKey(pk, sk);
}
