// The local HTTP server (docs/contract.md §8): turns each request into the API Gateway event the deployed stack would
// get and hands it to the same Lambda handler, then writes the handler's result back.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiGatewayHandler } from '../http/api-gateway-handler.ts';
import { finalStatusCodeMax, finalStatusCodeMin, localStopGraceMs, requestBodyMaxBytes } from '../limits.ts';
import { logger } from '../metrics/powertools.ts';
import { isPlatformHeader } from '../sandbox/result-check.ts';
import { apiGatewayEventFromNode } from './api-gateway-event.ts';

/** A path prefix served by its own handler, as an API Gateway route would be (e.g. `/api`). */
export interface LocalRoute {
  prefix: string;
  handler: ApiGatewayHandler;
}

export interface LocalServerOptions {
  host: string;
  port: number;
  /** Tried in order before the webhook handler, which takes every other path. */
  routes: LocalRoute[];
  webhook: ApiGatewayHandler;
}

export interface LocalServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

class BodyTooLargeError extends Error {}
const drainMaxBytes = 4 * requestBodyMaxBytes;

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  // Counted until the handler is done, not until the socket closes: a client that hangs up does not stop
  // the handler, and the sandbox and store must outlive it.
  let inFlight = 0;
  let stopping = false;
  let allAnswered: (() => void) | undefined;
  const server = createServer((request, response) => {
    inFlight++;
    if (stopping) response.setHeader('connection', 'close');
    serve(request, response, options)
      .catch((error: unknown) => {
        logger.error('local server request failed', { error });
        answerInternalError(response);
      })
      .finally(() => {
        inFlight--;
        if (!stopping) return;
        // Keep-alive connections left idle by a finished answer would hold the stop until the grace ends.
        server.closeIdleConnections();
        if (inFlight === 0) allAnswered?.();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    // Stops taking connections and lets the requests being served finish (up to localStopGraceMs), so the
    // handlers' sandbox and store are closed after their last answer, not under it.
    close: () => {
      closed ??= (async () => {
        stopping = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            allAnswered = resolve;
            setTimeout(resolve, localStopGraceMs).unref();
          });
        }
        server.closeAllConnections();
        await serverClosed;
      })();
      return closed;
    },
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, options: LocalServerOptions) {
  let body: Uint8Array;
  try {
    body = await readBody(request);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Lambda refuses synchronous payloads over 6 MB; locally the same request gets the same refusal, after
    // the rest of the upload is drained (answering mid-upload makes clients fail with EPIPE instead).
    await drain(request);
    response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
    response.end(`Request body too large (at most ${requestBodyMaxBytes} bytes).`);
    return;
  }
  const event = apiGatewayEventFromNode(request, body);
  // Chosen on the path as sent, before decoding: an escape (`/%61pi`, `/api%2F…`) never reaches a route.
  const sentPath = (request.url ?? '/').split('?', 1)[0] ?? '/';
  const route = options.routes.find(({ prefix }) => sentPath === prefix || sentPath.startsWith(`${prefix}/`));
  writeResult(response, await (route?.handler ?? options.webhook)(event));
}

/**
 * One final answer framed by this server alone: the handler's framing and hop-by-hop headers are dropped (the
 * length is the payload's), and a status that is not a final one (a 1xx would send an interim answer and leave
 * the request open, so the next request's answer would be taken for this one) is a fault of the handler.
 */
function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2) {
  const statusCode = result.statusCode ?? 200;
  if (
    !(Number.isInteger(statusCode) && statusCode >= finalStatusCodeMin && statusCode <= finalStatusCodeMax)
  ) {
    throw new Error(`the handler answered status ${statusCode}, not a final status`);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (!isPlatformHeader(name)) headers[name] = String(value);
  }
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const payload = result.body
    ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
    : Buffer.alloc(0);
  headers['content-length'] = String(payload.byteLength);
  response.writeHead(statusCode, headers);
  response.end(payload);
}

const internalErrorBody = 'Internal error.';

/**
 * A writeHead that threw (e.g. on a header value Node refuses) leaves its status message, and may leave part of
 * its headers, on the response: the fallback replaces all of them and closes the connection, so a client never
 * reads a length or a status that belongs to another answer. Once a head is out, only cutting the connection
 * keeps the next answer apart.
 */
function answerInternalError(response: ServerResponse) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  for (const name of response.getHeaderNames()) response.removeHeader(name);
  response.writeHead(500, 'Internal Server Error', {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(internalErrorBody)),
    connection: 'close',
  });
  response.end(internalErrorBody);
}

/** Reads and drops the rest of a refused upload, up to a bound past which the connection is cut. */
function drain(request: IncomingMessage): Promise<void> {
  if (request.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    let dropped = 0;
    request.on('data', (chunk: Buffer) => {
      dropped += chunk.byteLength;
      if (dropped > drainMaxBytes) request.socket.destroy();
    });
    request.on('end', resolve);
    request.on('close', resolve);
    request.resume();
  });
}

function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const declared = Number(request.headers['content-length']);
  if (declared > requestBodyMaxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > requestBodyMaxBytes) {
        request.removeAllListeners('data');
        request.pause();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const all = Buffer.concat(chunks);
      resolve(new Uint8Array(all.buffer, all.byteOffset, all.byteLength));
    });
    request.on('error', reject);
  });
}
