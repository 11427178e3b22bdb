// The region, credentials and endpoint the signed client (json-service.ts) uses, from the environment only:
// in Lambda the function's role credentials are there (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), valid for the life of the execution environment, so none of the SDK's credential chain
// (profiles, SSO, instance metadata) is needed on the webhook path. A local store accepts any credentials, so
// dummy ones stand in when the environment names none, as the SDK's client does (lib/store/dynamodb/client.ts).
import { type AwsEnvironment, ConfigError, readAwsEnvironment } from '../config/read.ts';
import { isAwsEndpoint, localStoreRegion, regionalEndpoint } from './endpoint.ts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface AwsAccess {
  endpoint: URL;
  region: string;
  credentials: AwsCredentials;
}

/**
 * `service` is the endpoint's and the signature's name (dynamodb, kms); `endpoint` a configured one, e.g.
 * http://127.0.0.1:8000 for a local store. Throws a ConfigError naming the variable that is missing.
 */
export function resolveAwsAccess(
  service: string,
  endpoint: string | undefined,
  environment: AwsEnvironment = readAwsEnvironment(),
): AwsAccess {
  const local = endpoint !== undefined && !isAwsEndpoint(endpoint);
  const region = environment.awsRegion ?? (local ? localStoreRegion : undefined);
  if (region === undefined) {
    throw new ConfigError(
      'AWS_REGION',
      "is not set (Lambda sets it; elsewhere set it to the stack's region)",
    );
  }
  const url = endpoint === undefined ? regionalEndpoint(service, region) : parseEndpoint(service, endpoint);
  const { awsAccessKeyId: accessKeyId, awsSecretAccessKey: secretAccessKey } = environment;
  if (accessKeyId !== undefined && secretAccessKey !== undefined) {
    return {
      endpoint: url,
      region,
      credentials: { accessKeyId, secretAccessKey, sessionToken: environment.awsSessionToken },
    };
  }
  if (local)
    return { endpoint: url, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  throw new ConfigError(
    accessKeyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY',
    "is not set: requests to AWS are signed with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the environment (Lambda sets them from the function's role)",
  );
}

/** Requests go to the endpoint's root: a path would have to be signed too, and no AWS JSON service has one. */
function parseEndpoint(service: string, endpoint: string): URL {
  const url = URL.canParse(endpoint) ? new URL(endpoint) : undefined;
  if (
    (url?.protocol !== 'http:' && url?.protocol !== 'https:') ||
    url.pathname !== '/' ||
    url.search !== ''
  ) {
    throw new Error(`the ${service} endpoint must be http(s)://host[:port], not ${JSON.stringify(endpoint)}`);
  }
  return url;
}
