// A fresh store per test file, plus stores pointed at it: an embedded dynalite (random port, in memory, table
// created), or in the dynamodb-local vitest project a table of its own in the run's DynamoDB Local.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../lib/local/dynalite.ts';
import { createDynamoClients } from '../../lib/store/dynamodb/client.ts';
import { createStores, createTable, type Stores } from '../../lib/store/index.ts';
import { httpTableClient, type TableClientKind } from './table-clients.ts';

export interface DynaliteContext {
  dynamo: LocalDynamo;
  stores: Stores;
}

/**
 * Call at the top of a describe/file: starts the store before the tests and stops it after. The stores talk to
 * it through a client of the given kind (by default the functions' signed client).
 */
export function useDynalite(kind: TableClientKind = httpTableClient): DynaliteContext {
  const context = {} as DynaliteContext;
  beforeAll(async () => {
    context.dynamo = await startTestDynamo();
    context.stores = createStores({
      tableName: context.dynamo.tableName,
      client: kind.create(context.dynamo.endpoint),
    });
  });
  afterAll(async () => {
    context.stores?.client.destroy();
    await context.dynamo?.close();
  });
  return context;
}

/** The DynamoDB Local endpoint in the dynamodb-local project (test/support/dynamodb-local.ts), else unset. */
export const dynamodbLocalEndpoint = (): string | undefined => inject('dynamodbLocalEndpoint');

/** A table no other test file uses, in DynamoDB Local when this run has one, else in a new dynalite. */
async function startTestDynamo(): Promise<LocalDynamo> {
  const endpoint = dynamodbLocalEndpoint();
  if (endpoint === undefined) return startLocalDynamo();
  const tableName = `test-${randomUUID()}`;
  const { client } = createDynamoClients({ endpoint });
  await createTable(client, tableName).finally(() => client.destroy());
  // The instance belongs to the whole run (its global setup stops it); the table dies with it.
  return { endpoint, tableName, close: async () => {} };
}
