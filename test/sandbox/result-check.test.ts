// The host's checks of a script's result (docs/contract.md §3; issue 11 §2, §3): final statuses only, framing and hop-by-hop
// headers dropped, and the headers of an answer bounded in number and bytes.
import { describe, expect, it } from 'vitest';
import { scriptResultHeadersMax, scriptResultHeadersMaxBytes } from '../../lib/limits.ts';
import { checkResult } from '../../lib/sandbox/result-check.ts';

describe('checkResult', () => {
  it.each([100, 101, 103, 199, 600])('refuses status %i as invalid', (statusCode) => {
    expect(checkResult({ statusCode })).toEqual({
      outcome: 'invalid',
      message: `statusCode must be an integer from 200 to 599, got ${statusCode}`,
    });
  });

  it('drops framing and hop-by-hop headers whatever their case and keeps the rest in order', () => {
    const checked = checkResult({
      headers: [
        ['X-First', '1'],
        ['Content-Length', '5'],
        ['TRANSFER-ENCODING', 'chunked'],
        ['content-type', 'text/plain'],
        ['Connection', 'close'],
      ],
    });
    expect(checked).toEqual({
      outcome: 'ok',
      statusCode: undefined,
      headers: [
        ['X-First', '1'],
        ['content-type', 'text/plain'],
      ],
      body: undefined,
    });
  });

  it('accepts headers at both caps and refuses one header more', () => {
    const many = Array.from({ length: scriptResultHeadersMax }, (_, i): [string, string] => [`x-${i}`, 'v']);
    expect(checkResult({ headers: many }).outcome).toBe('ok');
    expect(checkResult({ headers: [...many, ['x-more', 'v']] })).toEqual({
      outcome: 'invalid',
      message: `${scriptResultHeadersMax + 1} headers, more than ${scriptResultHeadersMax}`,
    });
  });

  it('accepts headers of exactly the byte cap and refuses a byte more', () => {
    const value = 'v'.repeat(scriptResultHeadersMaxBytes - 'x-big'.length);
    expect(checkResult({ headers: [['x-big', value]] }).outcome).toBe('ok');
    expect(checkResult({ headers: [['x-big', `${value}v`]] })).toEqual({
      outcome: 'invalid',
      message: `the headers take ${scriptResultHeadersMaxBytes + 1} bytes, more than ${scriptResultHeadersMaxBytes}`,
    });
  });
});
