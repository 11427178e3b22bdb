// TableClient over the AWS SDK's document client (client.ts: timeouts, attempts, local credentials): the stores'
// default. The SDK clients stay reachable for what only they do: creating the table (table.ts) and the
// benchmarks' middleware.
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createDynamoClients, type DynamoClientOptions, type DynamoClients } from './client.ts';
import type { TableClient } from './table-client.ts';

/** Both clients answer the same: without the SDK's response metadata. */
function answer<T extends { $metadata?: unknown }>({ $metadata: _, ...rest }: T): Omit<T, '$metadata'> {
  return rest;
}

export class SdkTableClient implements TableClient {
  readonly clients: DynamoClients;

  constructor(options: DynamoClientOptions = {}) {
    this.clients = createDynamoClients(options);
  }

  get: TableClient['get'] = async (input) => answer(await this.clients.documents.send(new GetCommand(input)));
  put: TableClient['put'] = async (input) => answer(await this.clients.documents.send(new PutCommand(input)));
  update: TableClient['update'] = async (input) =>
    answer(await this.clients.documents.send(new UpdateCommand(input)));
  delete: TableClient['delete'] = async (input) =>
    answer(await this.clients.documents.send(new DeleteCommand(input)));
  query: TableClient['query'] = async (input) =>
    answer(await this.clients.documents.send(new QueryCommand(input)));
  batchGet: TableClient['batchGet'] = async (input) =>
    answer(await this.clients.documents.send(new BatchGetCommand(input)));
  batchWrite: TableClient['batchWrite'] = async (input) =>
    answer(await this.clients.documents.send(new BatchWriteCommand(input)));

  destroy(): void {
    this.clients.client.destroy();
  }
}
