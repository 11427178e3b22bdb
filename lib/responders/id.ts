// Responder ids are UUIDv7 (RFC 9562): time-ordered, so a namespace's responders list in creation order
// straight from the table's sort key, and unguessable enough (74 random bits) to be shown to users.
import { randomBytes } from 'node:crypto';

export function newResponderId(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * What may name a responder where one is read from outside (a URL, a page token): ids are issued as UUIDv7,
 * and anything beyond this shape names none. It also keeps every key built from it far below DynamoDB's
 * 1 KB sort-key limit, so a crafted value is refused here rather than by the store.
 */
export const responderIdShape = /^[A-Za-z0-9-]{1,64}$/;
