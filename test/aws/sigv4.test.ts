// The signer against AWS's published test vector and, over generated requests, against the SDK's own signer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../lib/aws/sigv4.ts';
import { oracleAuthorization } from '../support/sigv4-oracle.ts';

describe('signRequest', () => {
  it('signs the post-vanilla request of the AWS SigV4 test suite as published', () => {
    const headers = signRequest(
      {
        headers: { host: 'example.amazonaws.com' },
        body: '',
        service: 'service',
        region: 'us-east-1',
        date: new Date('2015-08-30T12:36:00Z'),
      },
      { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    );
    expect(headers).toEqual({
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    });
  });

  it('adds and signs the session token of temporary credentials', () => {
    const headers = signRequest(
      {
        headers: { host: 'kms.eu-west-1.amazonaws.com' },
        body: '{}',
        service: 'kms',
        region: 'eu-west-1',
        date: new Date(0),
      },
      { accessKeyId: 'ASIA', secretAccessKey: 'secret', sessionToken: 'token' },
    );
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });

  // Header names the SDK's signer leaves out or sets itself: the signed client never sends them.
  const notSignedBySdk =
    /^(authorization|cache-control|connection|expect|from|keep-alive|max-forwards|pragma|referer|te|trailer|transfer-encoding|upgrade|user-agent|x-amzn-trace-id|x-amz-date|date|x-amz-security-token|x-amz-content-sha256|host|proxy-.*|sec-.*)$/;
  const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => !notSignedBySdk.test(name));
  // Printable ASCII with runs of spaces and tabs, which both signers collapse.
  const headerValue = fc.stringMatching(/^[ \t!-~]{0,40}$/);
  const credentials = fc.record({
    accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,20}$/),
    secretAccessKey: fc.stringMatching(/^[A-Za-z0-9/+]{40}$/),
    sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9/+=]{1,200}$/), { nil: undefined }),
  });

  it('computes the Authorization header the AWS SDK computes, for any request, credentials and date', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        credentials,
        fc.constantFrom('dynamodb', 'kms'),
        fc.stringMatching(/^[a-z]{2}-[a-z]{4,9}-[1-9]$/),
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2099-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        async (extra, body, credentials, service, region, date, port) => {
          const hostname = `${service}.${region}.amazonaws.com`;
          const host = port === undefined ? hostname : `${hostname}:${port}`;
          const headers = { ...extra, host };
          const signed = signRequest({ headers, body, service, region, date }, credentials);
          const expected = await oracleAuthorization(
            { hostname, port, headers, body },
            { service, region, credentials, date },
          );
          expect(signed.authorization).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
