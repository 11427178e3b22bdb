// A tracked request as the webhook path records it, for store tests.
import type { TrackedRequest } from '../../lib/responders/schema.ts';

export function trackedRequest(id: string, createdAt = Date.now()): TrackedRequest {
  return {
    id,
    createdAt,
    method: 'POST',
    path: '/hook',
    rawQuery: '',
    headers: {},
    body: '',
    bodyTruncated: false,
    clientAddress: null,
    statusCode: 200,
    outcome: null,
    durationMs: 0,
    memoryBytes: 0,
    console: [],
  };
}
