// The TableClient of the webhook function: DynamoDB's JSON protocol over node:http(s), signed by lib/aws, with
// items marshalled as the SDK's document client does (attribute-values.ts). It takes the same inputs and gives
// the same answers as the document client for every parameter the stores use; the legacy parameters
// (Expected, AttributeUpdates, KeyConditions, QueryFilter) are sent as given, not marshalled, and
// ItemCollectionMetrics (local secondary indexes, which the table has none of) is answered as DynamoDB sends it.
import type {
  BatchGetCommandInput,
  BatchWriteCommandInput,
  DeleteCommandInput,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { resolveAwsAccess } from '../../aws/access.ts';
import { dynamodbProtocol, JsonService, type JsonServiceOptions } from '../../aws/json-service.ts';
import type { AwsEnvironment } from '../../config/read.ts';
import { type AttributeMap, marshallMap, unmarshallMap } from './attribute-values.ts';
import type { TableClient } from './table-client.ts';

export interface HttpTableClientOptions extends JsonServiceOptions {
  /** A local store's endpoint, e.g. http://127.0.0.1:8000; unset for DynamoDB in AWS_REGION. */
  endpoint?: string | undefined;
  /** Region and credentials; read from the environment when not given. */
  environment?: AwsEnvironment;
}

type Answer<Operation extends keyof TableClient> = Awaited<ReturnType<TableClient[Operation]>>;
type Values = Record<string, unknown>;
type Wire = Record<string, unknown>;
/** An item or key either way: plain values to marshall, or attribute values to unmarshall. */
type EitherMap = Values & AttributeMap;
type WriteRequest = { PutRequest?: { Item?: unknown }; DeleteRequest?: { Key?: unknown } };
type KeysAndAttributes = { Keys?: unknown[] };

export class HttpTableClient implements TableClient {
  readonly #dynamodb: JsonService;

  constructor(options: HttpTableClientOptions = {}) {
    const access = resolveAwsAccess(dynamodbProtocol.service, options.endpoint, options.environment);
    this.#dynamodb = new JsonService(dynamodbProtocol, access, options);
  }

  async get(input: GetCommandInput): Promise<Answer<'get'>> {
    const answer = await this.#dynamodb.call('GetItem', { ...input, Key: marshalled(input.Key) });
    return converted(answer, 'Item', unmarshallMap);
  }

  async put(input: PutCommandInput): Promise<Answer<'put'>> {
    const answer = await this.#dynamodb.call('PutItem', {
      ...input,
      Item: marshalled(input.Item),
      ExpressionAttributeValues: marshalled(input.ExpressionAttributeValues),
    });
    return converted(answer, 'Attributes', unmarshallMap);
  }

  async update(input: UpdateCommandInput): Promise<Answer<'update'>> {
    const answer = await this.#dynamodb.call('UpdateItem', {
      ...input,
      Key: marshalled(input.Key),
      ExpressionAttributeValues: marshalled(input.ExpressionAttributeValues),
    });
    return converted(answer, 'Attributes', unmarshallMap);
  }

  async delete(input: DeleteCommandInput): Promise<Answer<'delete'>> {
    const answer = await this.#dynamodb.call('DeleteItem', {
      ...input,
      Key: marshalled(input.Key),
      ExpressionAttributeValues: marshalled(input.ExpressionAttributeValues),
    });
    return converted(answer, 'Attributes', unmarshallMap);
  }

  async query(input: QueryCommandInput): Promise<Answer<'query'>> {
    const answer = await this.#dynamodb.call('Query', {
      ...input,
      ExpressionAttributeValues: marshalled(input.ExpressionAttributeValues),
      ExclusiveStartKey: marshalled(input.ExclusiveStartKey),
    });
    return converted(converted(answer, 'Items', items), 'LastEvaluatedKey', unmarshallMap);
  }

  async batchGet(input: BatchGetCommandInput): Promise<Answer<'batchGet'>> {
    const answer = await this.#dynamodb.call('BatchGetItem', {
      ...input,
      RequestItems: perTable(input.RequestItems, (request: KeysAndAttributes) => keys(request, marshallMap)),
    });
    return converted(
      converted(answer, 'Responses', (responses) => perTable(responses, items)),
      'UnprocessedKeys',
      (unprocessed) => perTable(unprocessed, (request: KeysAndAttributes) => keys(request, unmarshallMap)),
    );
  }

  async batchWrite(input: BatchWriteCommandInput): Promise<Answer<'batchWrite'>> {
    const answer = await this.#dynamodb.call('BatchWriteItem', {
      ...input,
      RequestItems: perTable(input.RequestItems, (requests: WriteRequest[]) => writes(requests, marshallMap)),
    });
    return converted(answer, 'UnprocessedItems', (unprocessed) =>
      perTable(unprocessed, (requests: WriteRequest[]) => writes(requests, unmarshallMap)),
    );
  }

  destroy(): void {
    this.#dynamodb.destroy();
  }
}

/** Undefined stays undefined, which JSON leaves out of the request. */
const marshalled = (values: Values | undefined) => values && marshallMap(values);

/** The answer with one of its fields converted, when DynamoDB sent it. */
function converted<T>(answer: Wire, field: string, convert: (value: never) => unknown): T {
  return (
    answer[field] === undefined ? answer : { ...answer, [field]: convert(answer[field] as never) }
  ) as T;
}

const items = (list: AttributeMap[]) => list.map(unmarshallMap);

function perTable<T>(tables: Record<string, T> | undefined, convert: (value: T) => unknown) {
  return (
    tables && Object.fromEntries(Object.entries(tables).map(([table, value]) => [table, convert(value)]))
  );
}

function keys(request: KeysAndAttributes, convert: (key: EitherMap) => unknown) {
  return { ...request, Keys: request.Keys?.map((key) => convert(key as EitherMap)) };
}

function writes(requests: WriteRequest[], convert: (map: EitherMap) => unknown) {
  return requests.map(({ PutRequest, DeleteRequest, ...rest }) => ({
    ...rest,
    ...(PutRequest && { PutRequest: { ...PutRequest, Item: convert(PutRequest.Item as EitherMap) } }),
    ...(DeleteRequest && {
      DeleteRequest: { ...DeleteRequest, Key: convert(DeleteRequest.Key as EitherMap) },
    }),
  }));
}
