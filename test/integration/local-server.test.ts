// `npm start` for real: the scripts/start.ts entry in a child process, spoken to over HTTP.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyMaxBytes } from '../../lib/limits.ts';

interface Started {
  child: ChildProcess;
  output: () => string;
  url: Promise<string>;
  exit: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (ready?.[1]) resolve(ready[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', () => reject(new Error(`exited before ready: ${output}`)));
  });
  url.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, url, exit };
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
        {
          name: 'slow',
          location: { pathType: '=', path: '/slow' },
          method: 'GET',
          settings: {
            script:
              '(() => { const end = Date.now() + 700; while (Date.now() < end) {} return { body: "done" }; })()',
          },
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

  it('writes EMF metric records to stdout, counting the cold start once as Lambda would', () => {
    const records = server
      .output()
      .split('\n')
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.length).toBeGreaterThanOrEqual(5);
    expect(records.filter((record) => record.ColdStart === 1)).toHaveLength(1);
  });

  it('stops cleanly on SIGTERM, after answering the request it is serving', async () => {
    const inFlight = fetch(`${base}/imported/slow`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('done');
    expect(await server.exit).toBe(0);
    await expect(fetch(`${base}/imported/ping`)).rejects.toThrow();
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
