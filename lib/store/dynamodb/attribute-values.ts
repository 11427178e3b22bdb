// Plain values to DynamoDB's attribute values and back, as the SDK's document client does it with the options
// lib/store/dynamodb/client.ts gives it (removeUndefinedValues), for the signed client (http-table-client.ts).
// Binary values are base64 on the wire, as the JSON protocol carries them: Uint8Array (or Buffer) in,
// Uint8Array out. Only what the stores keep: no sets (SS, NS, BS), Map or BigInt, which fail loudly.
// Numbers stay exact or fail: JavaScript numbers beyond Number.MAX_SAFE_INTEGER are refused both ways, where
// the SDK would answer a BigInt for a large stored integer (no store writes one).
import { base64ToBytes, bytesToBase64 } from '../../base64.ts';

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { L: AttributeValue[] }
  | { M: AttributeMap };
export type AttributeMap = Record<string, AttributeValue>;

/** An item, a key or a set of expression values: a map of names to plain values. Undefined values are left out. */
export function marshallMap(values: Readonly<Record<string, unknown>>): AttributeMap {
  // fromEntries, not assignment: an attribute named __proto__ stays an attribute.
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, marshallValue(value)]),
  );
}

export function marshallValue(value: unknown): AttributeValue {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      return { N: numberText(value) };
    case 'object':
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) {
        return { L: value.filter((item) => item !== undefined).map(marshallValue) };
      }
      if (value instanceof Uint8Array) return { B: bytesToBase64(value) };
      if (isPlainObject(value)) return { M: marshallMap(value as Record<string, unknown>) };
  }
  throw new Error(`cannot store a value of type ${typeName(value)} in DynamoDB`);
}

export function unmarshallMap(map: Readonly<AttributeMap>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, unmarshallValue(value)]));
}

export function unmarshallValue(attribute: AttributeValue): unknown {
  if ('S' in attribute) return attribute.S;
  if ('N' in attribute) return numberValue(attribute.N);
  if ('BOOL' in attribute) return attribute.BOOL;
  if ('NULL' in attribute) return null;
  if ('M' in attribute) return unmarshallMap(attribute.M);
  if ('L' in attribute) return attribute.L.map(unmarshallValue);
  if ('B' in attribute) return base64ToBytes(attribute.B);
  throw new Error(`unsupported DynamoDB attribute type ${Object.keys(attribute).join(', ')}`);
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`cannot store the number ${value} in DynamoDB`);
  if (!Number.isSafeInteger(Math.trunc(value))) {
    throw new Error(`cannot store the number ${value} exactly: it is beyond Number.MAX_SAFE_INTEGER`);
  }
  return value.toString();
}

function numberValue(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(Math.trunc(value))) {
    throw new Error(`the stored number ${text} is beyond Number.MAX_SAFE_INTEGER`);
  }
  return value;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function typeName(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}
