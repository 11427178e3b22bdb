// The TableClient implementations the store-level suites run against, each over the same engine (dynalite, or
// DynamoDB Local in its project): `describe.each(tableClientKinds)` runs a suite once per implementation.
import { HttpTableClient } from '../../lib/store/dynamodb/http-table-client.ts';
import { SdkTableClient } from '../../lib/store/dynamodb/sdk-table-client.ts';
import type { TableClient } from '../../lib/store/dynamodb/table-client.ts';

export interface TableClientKind {
  name: string;
  create(endpoint: string): TableClient;
}

export const sdkTableClient: TableClientKind = {
  name: 'SDK',
  create: (endpoint) => new SdkTableClient({ endpoint }),
};

/** The webhook function's client: signed DynamoDB JSON over node:http. */
export const httpTableClient: TableClientKind = {
  name: 'signed HTTP',
  create: (endpoint) => new HttpTableClient({ endpoint }),
};

export const tableClientKinds: readonly TableClientKind[] = [sdkTableClient, httpTableClient];

export type TableOperation = Exclude<keyof TableClient, 'destroy'>;

/**
 * The client with `around` wrapped about each of its operations (to log, count, hold or delay calls), whatever
 * the implementation: `call` performs the operation.
 */
export function aroundEachCall(
  client: TableClient,
  around: (operation: TableOperation, input: unknown, call: () => Promise<unknown>) => Promise<unknown>,
): TableClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the client itself: its private fields are not reachable through the proxy.
      if (property === 'destroy') return value.bind(target);
      return (input: unknown) =>
        around(property as TableOperation, input, () => value.call(target, input) as Promise<unknown>);
    },
  });
}

/** The client with each operation logged in `log` as `sent <operation>` and `done <operation>`, in that order. */
export function loggedTableClient(client: TableClient, log: string[]): TableClient {
  return aroundEachCall(client, async (operation, _input, call) => {
    log.push(`sent ${operation}`);
    try {
      return await call();
    } finally {
      log.push(`done ${operation}`);
    }
  });
}
