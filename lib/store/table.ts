// The one DynamoDB table behind the product: its key names (shared with the CDK stack and with every store's
// expressions and item types, so they cannot drift) and a `createTable` for local stores (dynalite, DynamoDB Local) and tests.
//
// Items (all keys are plain strings, `#`-separated):
//   pk NS#<namespace>   sk DEF#<id>                      a responder definition (settings inline as JSON)
//   pk NS#<namespace>   sk BLOB#<id>#<version>#<w>#<n>   chunk n of the settings JSON of write w, when too big to inline
//   pk NS#<namespace>   sk ROUTE#<METHOD>#<type><path>   the claim that makes (location, method) unique
//   pk NS#<namespace>   sk SECRET#<name>                 a secret: its encrypted value and updatedAt (lib/secrets)
//   pk HIST#<id>        sk COUNTER                       the responder's request counter (atomic ADD)
//   pk HIST#<id>        sk REQ#<slot>                    tracked request number n in slot n mod N (TTL 7 days)
//   pk KEY#<prefix>     sk KEY                           a management API key: namespace and SHA-256 (lib/keys)
// One namespace is one partition, so routing reads it with one Query and the management API lists it with a
// paginated Query; no secondary index is needed (the management API always knows the caller's namespace).
// The CDK app imports `tableSchema` from here at synth time; the SDK is only loaded when a table is created.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes tracked requests after it (lazily: readers filter expired items). */
  ttlAttribute: 'expiresAt',
  indexes: [] as readonly { name: string; partitionKey: string; sortKey?: string }[],
} as const;

/** An item's key, typed from tableSchema: renaming a key attribute there fails every use at compile time. */
export type ItemKey = Record<typeof tableSchema.partitionKey | typeof tableSchema.sortKey, string>;

export const itemKey = (partition: string, sort: string): ItemKey => ({
  [tableSchema.partitionKey]: partition,
  [tableSchema.sortKey]: sort,
});

/** Expressions name the key attributes `#pk` and `#sk`, never literally; these say which attributes they are. */
export const keyAttributeNames = { '#pk': tableSchema.partitionKey, '#sk': tableSchema.sortKey } as const;
/** For an expression that names only the partition key (DynamoDB refuses a name an expression does not use). */
export const partitionKeyAttributeName = { '#pk': tableSchema.partitionKey } as const;

/** Conditions of a write on whether its item is there. */
export const ifItemExists = {
  ConditionExpression: 'attribute_exists(#pk)',
  ExpressionAttributeNames: partitionKeyAttributeName,
};
export const ifItemAbsent = {
  ConditionExpression: 'attribute_not_exists(#pk)',
  ExpressionAttributeNames: partitionKeyAttributeName,
};

/** Creates the table (on-demand billing) unless it exists, and waits until it is ACTIVE. */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { CreateTableCommand, DescribeTableCommand, ResourceInUseException } = await import(
    '@aws-sdk/client-dynamodb'
  );
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: tableSchema.partitionKey, AttributeType: 'S' },
          { AttributeName: tableSchema.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}
