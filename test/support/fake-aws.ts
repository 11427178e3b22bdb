// A local HTTP server standing in for an AWS JSON service: it checks each request's SigV4 signature with the
// SDK's signer (sigv4-oracle.ts), records the request, and answers what the test says.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AwsCredentials } from '../../lib/aws/access.ts';
import { oracleAuthorization } from './sigv4-oracle.ts';

export const fakeCredentials: AwsCredentials = {
  accessKeyId: 'AKIDFAKE',
  secretAccessKey: 'fake-secret-key/never-in-an-error',
  sessionToken: 'fake-session-token',
};

export interface FakeAwsRequest {
  /** x-amz-target, e.g. TrentService.Decrypt. */
  target: string;
  contentType: string;
  /** The body parsed as JSON. */
  input: Record<string, unknown>;
  /** Signed by `fakeCredentials`, as the SDK would have signed it. */
  signatureValid: boolean;
}

/** What to answer: a status and a body (JSON, or `raw` text), or nothing ever (a hung service). */
export type FakeAnswer =
  | { status: number; body?: unknown; raw?: string; headers?: Record<string, string> }
  | 'hang';

export interface FakeAws {
  endpoint: string;
  requests: FakeAwsRequest[];
  /** The connections open now. */
  connections: Set<Socket>;
  close(): Promise<void>;
}

export async function startFakeAws(
  answer: (request: FakeAwsRequest) => FakeAnswer,
  host = '127.0.0.1',
): Promise<FakeAws> {
  const requests: FakeAwsRequest[] = [];
  const connections = new Set<Socket>();
  const server = createServer(async (message: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of message) chunks.push(chunk);
    const body = Buffer.concat(chunks).toString('utf8');
    const request = {
      target: String(message.headers['x-amz-target']),
      contentType: String(message.headers['content-type']),
      input: JSON.parse(body),
      signatureValid: await signatureValid(message, body),
    };
    requests.push(request);
    const reply = request.signatureValid
      ? answer(request)
      : { status: 400, body: { __type: 'InvalidSignatureException', message: 'signature mismatch' } };
    if (reply === 'hang') return;
    response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1', ...reply.headers });
    response.end(reply.raw ?? JSON.stringify(reply.body));
  });
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    connections,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The Authorization header is the one the SDK computes for the request as received. */
async function signatureValid(message: IncomingMessage, body: string): Promise<boolean> {
  const authorization = message.headers.authorization ?? '';
  const parts =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
      authorization,
    );
  const amzDate = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    String(message.headers['x-amz-date']),
  );
  if (!parts || !amzDate || parts[1] !== fakeCredentials.accessKeyId) return false;
  const [, , region, service, signedHeaders] = parts as unknown as [string, string, string, string, string];
  const headers = Object.fromEntries(
    signedHeaders.split(';').map((name) => [name, String(message.headers[name] ?? '')]),
  );
  const [, year, month, day, hour, minute, second] = amzDate;
  const expected = await oracleAuthorization(
    { hostname: String(message.headers.host).replace(/:\d+$/, ''), headers, body },
    {
      service,
      region,
      credentials: fakeCredentials,
      date: new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`),
    },
  );
  return expected === authorization;
}
