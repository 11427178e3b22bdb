// The DynamoDB key layout comes from the store, so the table the stack creates and the keys the code writes
// cannot drift.
import { tableSchema as storeTableSchema } from '../lib/store/table.ts';

export interface TableIndexSchema {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Unix seconds after which DynamoDB deletes the item (request history, docs/contract.md §4). */
  readonly ttlAttribute: string;
  readonly indexes: readonly TableIndexSchema[];
}

export const tableSchema: TableSchema = storeTableSchema;
