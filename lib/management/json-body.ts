// The edge of every management write: size, content type and JSON syntax are checked before the body is
// validated against its zod schema, and all of it before anything is written (docs/contract.md §5).
import type { z } from 'zod';
import { managementBodyMaxBytes } from '../limits.ts';
import { describeIssues } from '../responders/describe-issues.ts';
import { ApiError, invalidRequest } from './api-error.ts';
import type { ManagementRequest } from './types.ts';

const jsonMediaType = /^application\/(?:[\w.+-]+\+)?json$/i;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as JSON, or undefined when it is empty and `optional`. */
export function readJson(request: ManagementRequest, options: { optional?: boolean } = {}): unknown {
  if (request.body.byteLength > managementBodyMaxBytes) {
    throw new ApiError(413, 'body_too_large', `body: must be at most ${managementBodyMaxBytes} bytes`);
  }
  if (request.body.byteLength === 0) {
    if (options.optional) return undefined;
    throw invalidRequest('body: is required (a JSON object)');
  }
  const contentType = request.headers['content-type'] ?? '';
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  const charset = parameters
    .map((parameter) => /^charset=(.*)$/i.exec(parameter)?.[1]?.replace(/^"|"$/g, ''))
    .find((value) => value !== undefined);
  if (!jsonMediaType.test(mediaType) || (charset !== undefined && !/^utf-?8$/i.test(charset))) {
    throw new ApiError(
      415,
      'unsupported_media_type',
      `content-type: must be application/json (UTF-8), not ${contentType ? JSON.stringify(contentType) : 'absent'}`,
    );
  }
  let text: string;
  try {
    text = strictUtf8.decode(request.body);
  } catch {
    throw new ApiError(400, 'invalid_json', 'body: not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `body: not valid JSON (${(error as Error).message})`);
  }
}

/** Parses a JSON object body with `schema`, turning every issue into one 400 that names the fields. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidRequest('body: must be a JSON object');
  }
  const result = schema.safeParse(input);
  if (!result.success) throw invalidRequest(describeIssues(result.error));
  return result.data;
}
