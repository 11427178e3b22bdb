// A fresh dynalite per test file (random port, in memory, table created), plus stores pointed at it.
import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../lib/local/dynalite.ts';
import { createStores, type Stores } from '../../lib/store/index.ts';

export interface DynaliteContext {
  dynamo: LocalDynamo;
  stores: Stores;
}

/** Call at the top of a describe/file: starts dynalite before the tests and stops it after. */
export function useDynalite(): DynaliteContext {
  const context = {} as DynaliteContext;
  beforeAll(async () => {
    context.dynamo = await startLocalDynamo();
    context.stores = createStores({ endpoint: context.dynamo.endpoint, tableName: context.dynamo.tableName });
  });
  afterAll(async () => {
    context.stores?.clients.client.destroy();
    await context.dynamo?.close();
  });
  return context;
}
