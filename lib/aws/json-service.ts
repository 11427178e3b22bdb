// One AWS service spoken to in its JSON protocol (DynamoDB: JSON 1.0, KMS: JSON 1.1) over node:http(s), each
// request signed with SigV4: the webhook function's path to the store and to KMS without the AWS SDK, whose
// load, compile and first request are most of a cold start. An operation is a POST of its input as JSON to
// the endpoint's root, named by the x-amz-target header; the answer is its output as JSON, or an error whose
// type is in `__type` (or the x-amzn-errortype header).
// Retried like the SDK's standard mode: throttling errors, 5xx answers and failed connections or timeouts,
// at most `maxAttempts` in all, with a jittered exponential backoff; so is an answer whose body does not match
// the checksum DynamoDB sends of it. Credentials and bodies are never put into an error or a log: an error
// carries the service's error type, its message and the HTTP status only.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  storeConnectTimeoutMs,
  storeMaxAttempts,
  storeRequestTimeoutMs,
  storeRetryBaseDelayMs,
} from '../limits.ts';
import type { AwsAccess } from './access.ts';
import { crc32 } from './crc32.ts';
import { signRequest } from './sigv4.ts';

export interface JsonProtocol {
  /** The signing name and the endpoint's first label: dynamodb, kms. */
  service: string;
  /** x-amz-target is `<targetPrefix>.<Operation>`. */
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
}

export const dynamodbProtocol: JsonProtocol = {
  service: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
};
export const kmsProtocol: JsonProtocol = { service: 'kms', targetPrefix: 'TrentService', jsonVersion: '1.1' };

export interface JsonServiceOptions {
  connectTimeoutMs?: number;
  /** From the connection (or the reuse of a kept-alive one) to the end of the answer. */
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/** An error answer of the service: `name` is its error type, e.g. ConditionalCheckFailedException. */
export class AwsServiceError extends Error {
  /** As the SDK's errors have it, which callers recognise a service error by. */
  readonly $metadata: { httpStatusCode: number; attempts: number };
  constructor(
    name: string,
    message: string,
    readonly status: number,
    attempts: number,
  ) {
    super(message);
    this.name = name;
    this.$metadata = { httpStatusCode: status, attempts };
  }
}

/** No connection, or no whole answer, within its timeout. */
export class AwsTimeoutError extends Error {
  override name = 'TimeoutError';
  /** A system error code, as a failed connection has (lib/management counts both as the store unavailable). */
  readonly code = 'ETIMEDOUT';
}

/**
 * An answer whose body does not match the CRC-32 the service sent of it (DynamoDB's `x-amz-crc32`): changed on
 * the way, so neither its output nor its error is believed. Retried like a failed connection.
 */
export class AwsChecksumError extends Error {
  override name = 'CRC32CheckFailed';
  constructor(service: string) {
    super(`${service}: the answer's body does not match its x-amz-crc32 checksum`);
  }
}

/** The SDK's throttling error types (@smithy/service-error-classification), retried like 5xx answers. */
const throttlingErrors = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

interface Answer {
  status: number;
  errorType: string | undefined;
  body: string;
}

export class JsonService {
  readonly #protocol: JsonProtocol;
  readonly #access: AwsAccess;
  readonly #agent: HttpAgent;
  readonly #request: typeof httpRequest;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number;
  readonly #maxAttempts: number;

  constructor(protocol: JsonProtocol, access: AwsAccess, options: JsonServiceOptions = {}) {
    this.#protocol = protocol;
    this.#access = access;
    const secure = access.endpoint.protocol === 'https:';
    // One kept-alive connection per concurrent request, reused: a new TLS connection costs more than the call.
    this.#agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.#request = secure ? httpsRequest : httpRequest;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? storeConnectTimeoutMs;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? storeRequestTimeoutMs;
    this.#maxAttempts = options.maxAttempts ?? storeMaxAttempts;
  }

  /** The operation's output, or an AwsServiceError, AwsTimeoutError or connection error after the last attempt. */
  async call(operation: string, input: object): Promise<Record<string, unknown>> {
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      let answer: Answer;
      try {
        answer = await this.#send(operation, body);
      } catch (failure) {
        if (attempt >= this.#maxAttempts) throw failure;
        await backoff(attempt);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return parseOutput(operation, answer.body);
      const error = serviceError(answer, attempt);
      if (attempt >= this.#maxAttempts || !(error.status >= 500 || throttlingErrors.has(error.name)))
        throw error;
      await backoff(attempt);
    }
  }

  /** Ends the kept-alive connections, so that a process can exit at once. */
  destroy(): void {
    this.#agent.destroy();
  }

  #send(operation: string, body: string): Promise<Answer> {
    const { endpoint, region, credentials } = this.#access;
    const headers = signRequest(
      {
        headers: {
          host: endpoint.host,
          'content-type': `application/x-amz-json-${this.#protocol.jsonVersion}`,
          'x-amz-target': `${this.#protocol.targetPrefix}.${operation}`,
        },
        body,
        service: this.#protocol.service,
        region,
        date: new Date(),
      },
      credentials,
    );
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (error: Error) => {
        clearTimeout(timer);
        reject(error);
      };
      const within = (ms: number, what: string) => {
        clearTimeout(timer);
        timer = setTimeout(
          () => request.destroy(new AwsTimeoutError(`${this.#protocol.service}: ${what} within ${ms} ms`)),
          ms,
        );
      };
      const request = this.#request(
        {
          // An IPv6 literal without the brackets of its URL form.
          hostname: endpoint.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: endpoint.port,
          method: 'POST',
          path: '/',
          agent: this.#agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (response) =>
          readAnswer(this.#protocol.service, response).then((answer) => {
            clearTimeout(timer);
            resolve(answer);
          }, fail),
      );
      request.on('socket', (socket) => {
        if (!socket.connecting) return within(this.#requestTimeoutMs, 'no answer');
        within(this.#connectTimeoutMs, 'no connection');
        socket.once('connect', () => within(this.#requestTimeoutMs, 'no answer'));
      });
      request.on('error', fail);
      request.end(body);
    });
  }
}

function parseOutput(operation: string, body: string): Record<string, unknown> {
  try {
    return JSON.parse(body);
  } catch {
    // Not the parser's message: it quotes the body, which may hold items or a KMS plaintext.
    throw new Error(`the answer to ${operation} is not JSON`);
  }
}

async function readAnswer(service: string, response: IncomingMessage): Promise<Answer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const checksum = response.headers['x-amz-crc32'];
  if (typeof checksum === 'string' && Number(checksum) !== crc32(body)) throw new AwsChecksumError(service);
  const errorType = response.headers['x-amzn-errortype'];
  return {
    status: response.statusCode ?? 0,
    errorType: typeof errorType === 'string' ? errorType : undefined,
    body: body.toString('utf8'),
  };
}

function serviceError(answer: Answer, attempts: number): AwsServiceError {
  let fields: { __type?: unknown; code?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    fields = JSON.parse(answer.body);
  } catch {
    // A proxy's or load balancer's page rather than the service's answer: the status says what there is.
  }
  const type = answer.errorType ?? (typeof fields.__type === 'string' ? fields.__type : undefined);
  const message = fields.message ?? fields.Message;
  return new AwsServiceError(
    type === undefined ? `Http${answer.status}Error` : errorName(type),
    typeof message === 'string' ? message : `HTTP ${answer.status}`,
    answer.status,
    attempts,
  );
}

/**
 * `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` or `InvalidCiphertextException:http://…`
 * names ConditionalCheckFailedException, InvalidCiphertextException.
 */
function errorName(type: string): string {
  const withoutUrl = type.split(':')[0] as string;
  return withoutUrl.slice(withoutUrl.lastIndexOf('#') + 1);
}

const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * storeRetryBaseDelayMs * 2 ** (attempt - 1)));
