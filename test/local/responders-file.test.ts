import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRespondersFile } from '../../lib/local/responders-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'responders-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: unknown): string {
  const path = join(dir, `f${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const ok = { name: 'a', location: { pathType: '=', path: '/a' }, method: 'GET', settings: {} };

describe('RESPONDERS_FILE', () => {
  it('reads one group, filling defaults', async () => {
    const [group] = await readRespondersFile(file({ namespace: 'team', responders: [ok] }));
    expect(group?.namespace).toBe('team');
    expect(group?.responders[0]).toMatchObject({ enabled: true, settings: { statusCode: 200, headers: [] } });
  });

  it('reads an array of groups', async () => {
    const groups = await readRespondersFile(
      file([
        { namespace: 'one', responders: [ok] },
        { namespace: 'two', responders: [ok] },
      ]),
    );
    expect(groups.map((g) => g.namespace)).toEqual(['one', 'two']);
  });

  it.each([
    [
      'a bad field, naming entry and field',
      { namespace: 'team', responders: [ok, { ...ok, location: { pathType: '=', path: 'x' } }] },
      'responders[1].location.path: must start with /',
    ],
    [
      'a bad field in the second group',
      [
        { namespace: 'one', responders: [ok] },
        { namespace: 'two', responders: [{ ...ok, method: 'NOPE' }] },
      ],
      '[1].responders[0].method: must be one of',
    ],
    ['a reserved namespace', { namespace: 'api', responders: [] }, 'namespace: "api" is reserved'],
    [
      'an unknown field',
      { namespace: 'team', responders: [{ ...ok, extra: 1 }] },
      'responders[0].extra: unknown field',
    ],
    [
      'a duplicate route',
      { namespace: 'team', responders: [ok, ok] },
      'responders[1]: same location and method as responders[0]',
    ],
    ['invalid JSON', '{ nope', 'not valid JSON'],
  ])('rejects %s', async (_what, content, message) => {
    await expect(readRespondersFile(file(content))).rejects.toThrow(message);
  });

  it('names a missing file', async () => {
    await expect(readRespondersFile(join(dir, 'missing.json'))).rejects.toThrow(
      /missing\.json: cannot read it \(ENOENT\)/,
    );
  });
});
