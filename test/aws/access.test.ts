// Where the signed client goes and with which credentials, from the environment Lambda sets (or a local one).
import { describe, expect, it } from 'vitest';
import { resolveAwsAccess } from '../../lib/aws/access.ts';
import { ConfigError, readAwsEnvironment } from '../../lib/config/read.ts';

const lambda = readAwsEnvironment({
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_SESSION_TOKEN: 'token',
});

describe('resolveAwsAccess', () => {
  it("signs with Lambda's role credentials and goes to the service in the function's region", () => {
    const access = resolveAwsAccess('dynamodb', undefined, lambda);
    expect(access).toEqual({
      endpoint: new URL('https://dynamodb.eu-west-1.amazonaws.com'),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });
  });

  it('reaches the China regions at amazonaws.com.cn', () => {
    const access = resolveAwsAccess('kms', undefined, { ...lambda, awsRegion: 'cn-north-1' });
    expect(access.endpoint.href).toBe('https://kms.cn-north-1.amazonaws.com.cn/');
  });

  it('gives a local store without credentials dummy ones and a region', () => {
    const access = resolveAwsAccess('dynamodb', 'http://127.0.0.1:8000', readAwsEnvironment({}));
    expect(access).toEqual({
      endpoint: new URL('http://127.0.0.1:8000'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('signs for a local store with the credentials the environment has', () => {
    const access = resolveAwsAccess('dynamodb', 'http://localhost:8000/', lambda);
    expect(access.credentials.accessKeyId).toBe('ASIAEXAMPLE');
    expect(access.region).toBe('eu-west-1');
  });

  it.each([
    [{ awsAccessKeyId: undefined, awsSecretAccessKey: undefined }, 'AWS_ACCESS_KEY_ID'],
    [{ awsSecretAccessKey: undefined }, 'AWS_SECRET_ACCESS_KEY'],
  ])('refuses to reach AWS without credentials (%j), naming the variable', (missing, variable) => {
    const read = () => resolveAwsAccess('dynamodb', undefined, { ...lambda, ...missing });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      new RegExp(`^${variable} is not set: .*AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN`),
    );
  });

  it('refuses an amazonaws.com endpoint without credentials, as it is AWS', () => {
    const read = () =>
      resolveAwsAccess(
        'dynamodb',
        'https://dynamodb.eu-west-1.amazonaws.com',
        readAwsEnvironment({ AWS_REGION: 'eu-west-1' }),
      );
    expect(read).toThrow(/^AWS_ACCESS_KEY_ID is not set/);
  });

  it('refuses to reach AWS without a region, naming AWS_REGION', () => {
    expect(() => resolveAwsAccess('dynamodb', undefined, { ...lambda, awsRegion: undefined })).toThrow(
      /^AWS_REGION is not set/,
    );
  });

  it.each([
    'not a url',
    'ftp://127.0.0.1:8000',
    'http://127.0.0.1:8000/prefix',
    'http://127.0.0.1:8000/?x=1',
  ])('refuses the endpoint %j, quoting it', (endpoint) => {
    expect(() => resolveAwsAccess('dynamodb', endpoint, lambda)).toThrow(
      `the dynamodb endpoint must be http(s)://host[:port], not ${JSON.stringify(endpoint)}`,
    );
  });
});
