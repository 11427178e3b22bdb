// The AWS SDK's DynamoDB document client, for the operator commands and the tooling (creating the table): the
// functions use the signed client (http-table-client.ts). A local store (dynalite, DynamoDB Local) accepts any credentials,
// so dummy ones are used for a non-AWS endpoint when the environment names none; against AWS (no endpoint, or
// an amazonaws.com one) the SDK's default credential chain applies.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isAwsEndpoint, localStoreRegion } from '../../aws/endpoint.ts';
import { readAwsEnvironment } from '../../config/read.ts';
import { storeConnectTimeoutMs, storeMaxAttempts, storeRequestTimeoutMs } from '../../limits.ts';

export interface DynamoClientOptions {
  /** e.g. http://127.0.0.1:8000 for a local store; unset for AWS. */
  endpoint?: string;
  region?: string;
}

export interface DynamoClients {
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
}

export function createDynamoClients(options: DynamoClientOptions = {}): DynamoClients {
  const local = options.endpoint !== undefined;
  /** dynalite or DynamoDB Local rather than an amazonaws.com endpoint. */
  const localStore = local && !isAwsEndpoint(options.endpoint ?? '');
  const aws = readAwsEnvironment();
  const client = new DynamoDBClient({
    ...(local ? { endpoint: options.endpoint } : {}),
    // Against AWS an unset region is left to the SDK's chain (AWS_REGION, then the profile's region), so the
    // operator commands reach the region of the operator's profile; a local store needs some region.
    region: options.region ?? aws.awsRegion ?? (localStore ? localStoreRegion : undefined),
    ...(localStore && !aws.awsAccessKeyId && !aws.awsProfile
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    // The same bounds as the functions' client: fail fast instead of hanging on an unreachable store.
    // Without throwOnRequestTimeout the handler only logs a warning when the request timeout passes and keeps waiting.
    requestHandler: {
      connectionTimeout: storeConnectTimeoutMs,
      requestTimeout: storeRequestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    maxAttempts: storeMaxAttempts,
  });
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documents };
}
