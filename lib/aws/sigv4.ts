// AWS Signature Version 4 for the requests of json-service.ts: one POST of a JSON body to the endpoint's root,
// with no query string. Every header given is signed (the caller gives only those AWS should check: host,
// content-type, x-amz-target); x-amz-date and, for temporary credentials, x-amz-security-token are added and
// signed too. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentials } from './access.ts';

export interface RequestToSign {
  /** Header names in lower case. */
  headers: Readonly<Record<string, string>>;
  body: string;
  service: string;
  region: string;
  date: Date;
}

/** The request's headers with x-amz-date, x-amz-security-token (if any) and authorization added. */
export function signRequest(request: RequestToSign, credentials: AwsCredentials): Record<string, string> {
  const longDate = request.date.toISOString().replace(/[-:]|\.\d{3}/g, '');
  const shortDate = longDate.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, 'x-amz-date': longDate };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    'POST',
    '/',
    '',
    ...names.map((name) => `${name}:${canonicalValue(headers[name] as string)}`),
    '',
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${shortDate}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', longDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key: Buffer | string = `AWS4${credentials.secretAccessKey}`;
  for (const part of [shortDate, request.region, request.service, 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, stringToSign).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/** Line breaks become spaces, runs of spaces and tabs one space, and the ends are trimmed. */
function canonicalValue(value: string): string {
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
