// A page token is the API's own: anything else, whatever its shape, is refused as bad input before any read.
import { describe, expect, it } from 'vitest';
import { InvalidPageTokenError } from '../../lib/store/index.ts';
import { useDynalite } from '../support/dynalite.ts';
import { tableClientKinds } from '../support/table-clients.ts';

const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const wrongShapes: Array<[string, string]> = [
  ['not base64url JSON', 'not a token!'],
  ['JSON null', token(null)],
  ['a JSON array', token(['NS#tokens', 'DEF#x'])],
  ['a JSON string', token('NS#tokens')],
  ['a key without sk', token({ pk: 'NS#tokens' })],
  ['a numeric sk', token({ pk: 'NS#tokens', sk: 42 })],
  ['an sk of a route claim', token({ pk: 'NS#tokens', sk: 'ROUTE#POST#=/a' })],
  ['an sk of a settings chunk', token({ pk: 'NS#tokens', sk: 'BLOB#x#0000000001#w#000' })],
  ['another namespace', token({ pk: 'NS#other', sk: 'DEF#x' })],
  ['a history partition', token({ pk: 'HIST#x', sk: 'DEF#x' })],
  ['an extra attribute', token({ pk: 'NS#tokens', sk: 'DEF#x', extra: 1 })],
];

describe.each(tableClientKinds)('responder list page tokens over the $name client', (kind) => {
  const db = useDynalite(kind);

  it.each(wrongShapes)('refuses %s', async (_shape, nextToken) => {
    await expect(db.stores.responders.list('tokens', { nextToken })).rejects.toBeInstanceOf(
      InvalidPageTokenError,
    );
  });
});
