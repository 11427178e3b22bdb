// The DynamoDB key layout the store reads and writes. It must match `tableSchema` in lib/store/table.ts, which
// becomes the single source once that module exists (this file then re-exports it).

export interface TableIndexSchema {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Unix seconds after which DynamoDB deletes the item (request history, SPEC §4). */
  readonly ttlAttribute: string;
  readonly indexes: readonly TableIndexSchema[];
}

export const tableSchema: TableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  indexes: [],
};
