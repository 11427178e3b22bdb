import { describe, expect, it } from 'vitest';
import { upstreamAllowPrivateFromEnv } from '../../lib/forwarding/settings.ts';

describe('FORWARD_ALLOW_PRIVATE', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
  ])('%j allows private upstreams: %s', (value, allowed) => {
    expect(upstreamAllowPrivateFromEnv(value === undefined ? {} : { FORWARD_ALLOW_PRIVATE: value })).toBe(
      allowed,
    );
  });

  it.each(['1', 'yes', 'TRUE'])('refuses %j, naming the variable', (value) => {
    expect(() => upstreamAllowPrivateFromEnv({ FORWARD_ALLOW_PRIVATE: value })).toThrow(
      /^FORWARD_ALLOW_PRIVATE must be/,
    );
  });
});
