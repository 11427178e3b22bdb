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
