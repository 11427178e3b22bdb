// The DynamoDB operations the stores use, with items as plain values (the document client's shapes). Two
// implementations: one over the AWS SDK's document client (the operator commands, for its credential chain),
// and a small one over node:http(s) that signs its own requests (the Lambda functions and npm start: the SDK
// was a quarter of a cold start's CPU time).
// The input and output types are the SDK's, imported as types only: nothing of the SDK is bundled through them.
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** What a caller reads of an answer: the SDK's output without its response metadata. */
type Answer<T> = Omit<T, '$metadata'>;

export interface TableClient {
  get(input: GetCommandInput): Promise<Answer<GetCommandOutput>>;
  put(input: PutCommandInput): Promise<Answer<PutCommandOutput>>;
  update(input: UpdateCommandInput): Promise<Answer<UpdateCommandOutput>>;
  delete(input: DeleteCommandInput): Promise<Answer<DeleteCommandOutput>>;
  query(input: QueryCommandInput): Promise<Answer<QueryCommandOutput>>;
  batchGet(input: BatchGetCommandInput): Promise<Answer<BatchGetCommandOutput>>;
  batchWrite(input: BatchWriteCommandInput): Promise<Answer<BatchWriteCommandOutput>>;
  /** Ends the client's connections, so that a command's process can exit. */
  destroy(): void;
}

/** Every page of a Query, each asked for from the key the one before ended at, to the last. */
export async function* queryPages(
  client: TableClient,
  input: QueryCommandInput,
): AsyncGenerator<Answer<QueryCommandOutput>> {
  let startKey = input.ExclusiveStartKey;
  do {
    const page = await client.query({ ...input, ExclusiveStartKey: startKey });
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** A write refused by its condition expression, from either implementation. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
