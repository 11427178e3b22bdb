// Attribute values of the signed client against the SDK's own (util-dynamodb, as the document client uses it).
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marshallMap, marshallValue, unmarshallMap } from '../../../lib/store/dynamodb/attribute-values.ts';

const sdkOptions = { removeUndefinedValues: true };

/** The SDK's attribute values as the JSON protocol carries them: binary as base64. */
function onTheWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(onTheWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, onTheWire(inner)]));
  }
  return value;
}

/** What a store would keep: undefined left out of maps and lists, as removeUndefinedValues does. */
function withoutUndefined(value: unknown): unknown {
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(withoutUndefined);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .map(([name, inner]) => [name, withoutUndefined(inner)]),
    );
  }
  return value;
}

// Attribute names as the stores use them; __proto__ has its own test (the SDK would set a prototype).
const name = fc.string({ minLength: 1, maxLength: 8 }).filter((text) => text !== '__proto__');
const scalar = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }).filter((n) => !Object.is(n, -0)),
  fc.uint8Array({ maxLength: 20 }),
  fc.constant(undefined),
);
const { value: storable } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(name, tie('value'), { maxKeys: 4 }),
  ),
}));
const item = fc.dictionary(name, storable, { maxKeys: 6 });

describe('attribute values', () => {
  it('marshall an item as the SDK does, with binary in base64', () => {
    fc.assert(
      fc.property(item, (values) => {
        expect(marshallMap(values)).toEqual(onTheWire(marshall(values, sdkOptions)));
      }),
      { numRuns: 300 },
    );
  });

  it('unmarshall back to the item without its undefined values, as the SDK does', () => {
    fc.assert(
      fc.property(item, (values) => {
        const back = unmarshallMap(marshallMap(values));
        expect(back).toEqual(withoutUndefined(values));
        expect(back).toEqual(unmarshall(marshall(values, sdkOptions)));
      }),
      { numRuns: 300 },
    );
  });

  it('hand back binary values as Uint8Array, from a Buffer too', () => {
    const back = unmarshallMap(marshallMap({ data: Buffer.from('hello') }));
    expect(back.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back.data as Uint8Array).toString()).toBe('hello');
  });

  it('keep an attribute named __proto__ as an attribute, not as a prototype', () => {
    const values = JSON.parse('{"__proto__": {"polluted": true}}');
    const back = unmarshallMap(marshallMap(values));
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect((back as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it.each([
    ['NaN', Number.NaN, /cannot store the number NaN/],
    ['Infinity', Number.POSITIVE_INFINITY, /cannot store the number Infinity/],
    ['2^53', 2 ** 53, /beyond Number.MAX_SAFE_INTEGER/],
    ['-(2^53)', -(2 ** 53), /beyond Number.MAX_SAFE_INTEGER/],
    ['a Date', new Date(0), /cannot store a value of type Date/],
    ['a symbol', Symbol('s'), /cannot store a value of type symbol/],
    ['a class instance', new (class Point {})(), /cannot store a value of type Point/],
  ])('refuse to store %s, as the SDK does', (_case, value, message) => {
    expect(() => marshallValue(value)).toThrow(message);
    expect(() => marshall({ value }, sdkOptions)).toThrow();
  });

  it('refuse a function, which the SDK would silently leave out', () => {
    expect(() => marshallMap({ method: () => 1 })).toThrow(
      'cannot store a value of type function in DynamoDB',
    );
  });

  it('refuse a stored number beyond the safe integers rather than round it', () => {
    expect(() => unmarshallMap({ n: { N: '9007199254740993' } })).toThrow(
      'the stored number 9007199254740993 is beyond Number.MAX_SAFE_INTEGER',
    );
  });

  it('refuse sets both ways, which no store writes (the SDK has string, number and binary sets)', () => {
    expect(() => marshallValue(new Set(['a']))).toThrow('cannot store a value of type Set in DynamoDB');
    expect(() => unmarshallMap({ s: { SS: ['a'] } as never })).toThrow(
      'unsupported DynamoDB attribute type SS',
    );
  });
});
