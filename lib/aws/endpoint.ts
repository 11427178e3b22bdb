// Where an AWS service is reached: its regional endpoint, or one configured for a local stand-in (dynalite,
// DynamoDB Local, a test's fake KMS), which accepts any credentials.

/** The region a local stand-in is given when the environment names none (it only shows in the signature). */
export const localStoreRegion = 'us-east-1';

/** An amazonaws.com endpoint (or .com.cn in the China regions), rather than a local stand-in. */
export function isAwsEndpoint(endpoint: string): boolean {
  try {
    return /\.amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/** The service's public endpoint in the region, e.g. https://dynamodb.eu-west-1.amazonaws.com. */
export function regionalEndpoint(service: string, region: string): URL {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(`https://${service}.${region}.${domain}`);
}
