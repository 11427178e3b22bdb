// The local server's stop (server.ts) and its upload limit, driven by events, not by waiting: a request being
// served when the stop begins gets its answer and the stop waits for it; idle keep-alive connections do not
// hold the stop; the grace ends a request that never finishes; a chunked upload over 6 MB is refused with 413.
import { Agent, type IncomingMessage, request } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiGatewayHandler } from '../../lib/http/api-gateway-handler.ts';
import { localStopGraceMs, requestBodyMaxBytes } from '../../lib/limits.ts';
import { type LocalServer, startLocalServer } from '../../lib/local/server.ts';

/** A webhook handler that answers only when the test releases it, and says when it was called. */
function heldHandler() {
  let release: (result: APIGatewayProxyStructuredResultV2) => void = () => {};
  let called: () => void = () => {};
  const calledOnce = new Promise<void>((resolve) => {
    called = resolve;
  });
  const handler: ApiGatewayHandler = () => {
    called();
    return new Promise((resolve) => {
      release = resolve;
    });
  };
  return {
    handler,
    called: calledOnce,
    release: (result: APIGatewayProxyStructuredResultV2) => release(result),
  };
}

let server: LocalServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

async function start(webhook: ApiGatewayHandler): Promise<LocalServer> {
  server = await startLocalServer({ host: '127.0.0.1', port: 0, routes: [], webhook });
  return server;
}

interface Answer {
  response: IncomingMessage;
  body: string;
}

/** One request with node:http (no pooling unless an agent is given); resolves with the whole answer. */
function send(
  base: string,
  options: {
    method?: string;
    agent?: Agent;
    body?: (write: (chunk: Buffer) => boolean) => void;
  } = {},
): { answer: Promise<Answer>; closed: Promise<unknown> } {
  const outgoing = request(`${base}/demo/hook`, {
    method: options.method ?? 'GET',
    agent: options.agent ?? false,
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ response, body }));
    });
  });
  const closed = new Promise((resolve) => outgoing.on('socket', (socket) => socket.once('close', resolve)));
  if (options.body) options.body((chunk) => outgoing.write(chunk));
  outgoing.end();
  return { answer, closed };
}

const done: APIGatewayProxyStructuredResultV2 = {
  statusCode: 200,
  headers: { 'content-type': 'text/plain' },
  body: 'done',
};

describe('stopping the local server', () => {
  it('answers the request it is serving, with connection: close, before the stop completes', async () => {
    const held = heldHandler();
    const { url } = await start(held.handler);
    const { answer, closed } = send(url);
    await held.called;

    let stopped = false;
    const stopping = server?.close().then(() => {
      stopped = true;
    });
    // The handler has not answered: nothing but the (10 s) grace could end the stop now.
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);

    held.release(done);
    const { response, body } = await answer;
    expect(response.statusCode).toBe(200);
    expect(body).toBe('done');
    expect(response.headers.connection).toBe('close');
    await stopping;
    await closed;
  });

  it('closes idle keep-alive connections at once instead of waiting for them to time out', async () => {
    const { url, server: http } = await start(async () => done);
    // Were idle connections left open, the stop would wait this long and the test time out.
    http.keepAliveTimeout = 10 * 60_000;
    const agent = new Agent({ keepAlive: true });
    try {
      const { answer, closed } = send(url, { agent });
      expect((await answer).response.headers.connection).toBe('keep-alive');
      await server?.close();
      await closed;
    } finally {
      agent.destroy();
    }
  });

  it('cuts a request that is still unanswered when the grace ends', async () => {
    const held = heldHandler();
    const { url } = await start(held.handler);
    // Held as an outcome from the start: the cut comes while the stop is awaited.
    const outcome = send(url).answer.then(
      () => 'answered',
      (error: unknown) => error,
    );
    await held.called;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stopping = server?.close();
    await vi.advanceTimersByTimeAsync(localStopGraceMs);
    await stopping;
    expect(await outcome).toMatchObject({ code: 'ECONNRESET' });
  });
});

describe('the local server upload limit', () => {
  it('refuses a chunked upload over 6 MB with 413 once it has read it, without calling the handler', async () => {
    let calls = 0;
    const { url } = await start(async () => {
      calls++;
      return done;
    });
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const chunks = Math.ceil((requestBodyMaxBytes + 1) / chunk.byteLength) + 1;
    const { answer } = send(url, {
      method: 'POST',
      // No content-length: the server only learns the size by counting what arrives.
      body: (write) => {
        for (let i = 0; i < chunks; i++) write(chunk);
      },
    });
    const { response, body } = await answer;
    expect(response.statusCode).toBe(413);
    expect(body).toBe(`Request body too large (at most ${requestBodyMaxBytes} bytes).`);
    expect(calls).toBe(0);
  });
});
