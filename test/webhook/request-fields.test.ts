// Headers and query as the adapter, the dry run and `npm run try` all read them.
import { describe, expect, it } from 'vitest';
import { headerRecord, parseQuery } from '../../lib/webhook/request-fields.ts';

describe('headerRecord', () => {
  it('lower-cases names and joins the values of a repeated name with a comma', () => {
    const headers = headerRecord({ 'X-A': '1', 'x-a': '2', 'X-List': ['3', '4'], 'X-Gone': undefined });
    expect({ ...headers }).toEqual({ 'x-a': '1,2', 'x-list': '3,4' });
  });

  it('keeps names that are Object.prototype members as plain names', () => {
    const headers = headerRecord(JSON.parse('{"__proto__": "p", "Constructor": "c", "toString": "t"}'));
    expect(Object.entries(headers)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['tostring', 't'],
    ]);
  });
});

describe('parseQuery', () => {
  it('keeps the last value of a key, __proto__ and constructor included', () => {
    const query = parseQuery('a=1&a=2&__proto__=p&constructor=c');
    expect(Object.entries(query)).toEqual([
      ['a', '2'],
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
  });
});
