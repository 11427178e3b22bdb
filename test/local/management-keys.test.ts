// API_KEY and API_KEYS of the local server (docs/contract.md §8): read before the start does anything.
import { describe, expect, it } from 'vitest';
import { localApiKeyLines, localApiKeys } from '../../lib/local/management-keys.ts';

describe('local API keys', () => {
  it('generates a key for the demo namespace when API_KEY is unset, and prints it with a curl example', () => {
    const keys = localApiKeys({});
    expect(keys).toEqual([
      { namespace: 'demo', key: expect.stringMatching(/^wr_[a-z0-9]{8}_/), generated: true },
    ]);
    const lines = localApiKeyLines('http://127.0.0.1:3000', keys).join('\n');
    expect(lines).toContain(`demo: ${keys[0]?.key} (generated; set API_KEY to choose one)`);
    expect(lines).toContain(
      `curl -s -H 'authorization: Bearer ${keys[0]?.key}' http://127.0.0.1:3000/api/responders`,
    );
  });

  it('takes API_KEY for demo and one key per namespace from API_KEYS', () => {
    expect(localApiKeys({ apiKey: 'mine', apiKeys: 'team-a:k1, team-b:k:2,' })).toEqual([
      { namespace: 'demo', key: 'mine', generated: false },
      { namespace: 'team-a', key: 'k1', generated: false },
      { namespace: 'team-b', key: 'k:2', generated: false },
    ]);
  });

  it.each([
    ['a missing colon', { apiKeys: 'team-a' }, 'API_KEYS: "team-a" is not a namespace'],
    ['a reserved namespace', { apiKeys: 'api:key' }, 'API_KEYS: "api" is not a namespace'],
    ['an invalid namespace', { apiKeys: 'Team A:key' }, 'API_KEYS: "Team A" is not a namespace'],
    ['an empty key', { apiKeys: 'team-a:' }, 'API_KEYS (team-a): a key must be'],
    ['a key with a space', { apiKey: 'two words' }, 'API_KEY: a key must be'],
    [
      'one key for two namespaces',
      { apiKey: 'same', apiKeys: 'team-a:same' },
      'the key of team-a is already the key of demo',
    ],
  ])('refuses %s with a message naming the setting', (_what, config, message) => {
    expect(() => localApiKeys(config)).toThrow(message);
  });
});
