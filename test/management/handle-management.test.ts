// The management core's own faults: a store it cannot reach is a 503, a bug a 500, neither with details.
import { describe, expect, it } from 'vitest';
import { handleManagement } from '../../lib/management/handle-management.ts';
import type { ManagementDeps, ManagementRequest } from '../../lib/management/types.ts';

const request: ManagementRequest = {
  requestId: 'r-1',
  method: 'GET',
  path: '/api/responders',
  query: {},
  headers: { authorization: 'Bearer some-key-0123456789' },
  body: new Uint8Array(),
};

function depsWithKeys(get: ManagementDeps['keys']['get']): ManagementDeps {
  return { keys: { get } } as ManagementDeps;
}

describe('management core faults', () => {
  it('answers 503 when the table cannot be reached', async () => {
    const unreachable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    const response = await handleManagement(
      request,
      depsWithKeys(async () => {
        throw unreachable;
      }),
    );
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body ?? '')).toEqual({
      error: { code: 'unavailable', message: 'the store is unavailable, please retry' },
    });
  });

  it('answers 500 for a bug, with no message, path or stack of the host', async () => {
    const response = await handleManagement(
      request,
      depsWithKeys(async () => {
        throw new TypeError('secret detail at /var/task/index.js:1');
      }),
    );
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('/var/task');
  });
});
