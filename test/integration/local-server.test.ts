// `npm start` for real: the scripts/start.ts entry in a child process, spoken to over HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyMaxBytes } from '../../lib/limits.ts';

interface Started {
  child: ChildProcess;
  output: () => string;
  /** Resolves once what the server printed so far satisfies `check`. */
  printed: (check: (output: string) => boolean) => Promise<void>;
  url: Promise<string>;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiting) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const printed = (check: (output: string) => boolean) =>
    new Promise<void>((resolve) => {
      const done = () => {
        if (!check(output)) return;
        waiting.delete(done);
        resolve();
      };
      waiting.add(done);
      done();
    });
  const url = new Promise<string>((resolve, reject) => {
    const ready = () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    printed(() => ready() !== undefined).then(() => resolve(ready() as string));
    child.on('exit', () => reject(new Error(`exited before ready: ${output}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, printed, url, exit };
}

const dir = mkdtempSync(join(tmpdir(), 'local-server-'));
let server: Started;
let base: string;

beforeAll(async () => {
  const file = join(dir, 'responders.json');
  writeFileSync(
    file,
    JSON.stringify({
      namespace: 'imported',
      responders: [
        {
          name: 'from file',
          location: { pathType: '=', path: '/ping' },
          method: 'GET',
          settings: { statusCode: 200, headers: [['content-type', 'text/plain']], body: 'pong' },
        },
      ],
    }),
  );
  server = start({ RESPONDERS_FILE: file });
  base = await server.url;
});

afterAll(async () => {
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('local server (npm start)', () => {
  it('serves the demo namespace static JSON responder', async () => {
    const response = await fetch(`${base}/demo/hello`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'Hello from webhook-responders' });
  });

  it('serves a script responder using the query', async () => {
    const response = await fetch(`${base}/demo/greet?name=Ada`);
    expect(await response.json()).toEqual({ hello: 'Ada' });
  });

  it('serves the demo PNG as exact bytes', async () => {
    const response = await fetch(`${base}/demo/pixel.png`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.byteLength).toBe(105);
  });

  it('serves responders imported from RESPONDERS_FILE', async () => {
    const response = await fetch(`${base}/imported/ping`);
    expect(await response.text()).toBe('pong');
  });

  it('answers 404 for an unknown namespace and a JSON 401 under /api without a key', async () => {
    expect((await fetch(`${base}/no-such-namespace/x`)).status).toBe(404);
    const api = await fetch(`${base}/api/responders`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('refuses a body over the 6 MB Lambda limit with 413', async () => {
    const response = await fetch(`${base}/demo/echo`, {
      method: 'POST',
      body: new Uint8Array(requestBodyMaxBytes + 1),
    });
    expect(response.status).toBe(413);
  });

  it('writes EMF metric records to stdout, counting the cold start once as Lambda would', async () => {
    const records = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"CloudWatchMetrics"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const before = records().length;
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/demo/hello`)).status).toBe(200);
    // The records come over the child's stdout, which may arrive after the answers.
    await server.printed(() => records().length >= before + 3);
    expect(records().filter((record) => record.ColdStart === 1)).toHaveLength(1);
  });
});

describe('local server stop', () => {
  it('stops cleanly on SIGTERM, after answering the request it is serving', async () => {
    // Its own server: stopping the shared one would fail whichever tests run after this one.
    const stopping = start({});
    try {
      const { hostname, port } = new URL(await stopping.url);
      const socket = connect(Number(port), hostname);
      let received = '';
      const receivedSoFar = (check: (text: string) => boolean) =>
        new Promise<void>((resolve) => {
          const done = () => check(received) && resolve();
          socket.on('data', done);
          done();
        });
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
      });
      const closed = new Promise((resolve) => socket.on('close', resolve));
      // Node's server sends 100 Continue as it hands the request to the handler: from then on it is being served,
      // and it cannot finish before the body, sent only once the server has begun to stop.
      socket.write(
        'POST /demo/echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n',
      );
      await receivedSoFar((text) => text.startsWith('HTTP/1.1 100 Continue\r\n\r\n'));
      stopping.child.kill('SIGTERM');
      await stopping.printed((output) => output.includes('SIGTERM: stopping'));
      socket.write('done');
      await closed;
      expect(received).toMatch(/\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
      expect(received).toContain('"body":"done"');
      expect(await stopping.exit).toBe(0);
      await expect(fetch(`http://${hostname}:${port}/demo/hello`)).rejects.toThrow();
    } finally {
      if (stopping.child.exitCode === null) stopping.child.kill('SIGKILL');
    }
  });
});

describe('local server start-up checks', () => {
  it('stops with a message naming the entry and the field of a bad RESPONDERS_FILE', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        namespace: 'demo2',
        responders: [
          { name: 'ok', location: { pathType: '=', path: '/a' }, method: 'GET', settings: {} },
          {
            name: 'bad',
            location: { pathType: '=', path: '/b' },
            method: 'GET',
            settings: { statusCode: 700 },
          },
        ],
      }),
    );
    const bad = start({ RESPONDERS_FILE: file });
    expect(await bad.exit).toBe(1);
    expect(bad.output()).toContain('responders[1].settings.statusCode: must be between 200 and 599');
  });
});
