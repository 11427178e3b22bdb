// Section `http`: through the real local server (scripts/start.ts in its own process, EMF records written to
// its stdout as in Lambda) under autocannon with 32 connections: a cached static responder, the responder-like
// script, and the script again while a second client sends 1 % as many requests to a script that never ends
// (deadline `timeoutDeadlineMs`), to show what a bad tenant costs the others.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchResponders, timeoutDeadlineMs } from './handler.ts';
import { machine, type Section } from './report.ts';
import { type BenchRow, formatMs } from './stats.ts';
import { requestBodyText, requestHeaders } from './workload.ts';

export const httpConnections = 32;

async function startServer(): Promise<{ base: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const file = join(dir, 'responders.json');
  writeFileSync(file, JSON.stringify({ namespace: 'bench', responders: benchResponders }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: join(import.meta.dirname, '..'),
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      RESPONDERS_FILE: file,
      // Long enough that no definition reload falls inside a run.
      DEFINITION_CACHE_TTL_MS: '3600000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = () => {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString();
        const ready = /listening on (http:\/\/[^\s]+)/.exec(head);
        if (ready?.[1]) {
          // Keep draining the server's stdout (its EMF records), or it would block on a full pipe.
          child.stdout?.off('data', onData);
          child.stdout?.resume();
          resolve(ready[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.on('exit', () => reject(new Error(`the local server exited: ${head}`)));
    });
    return { base, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

function load(url: string, seconds: number, extra: Partial<autocannon.Options> = {}) {
  return autocannon({
    url,
    method: 'POST',
    headers: requestHeaders,
    body: requestBodyText,
    connections: httpConnections,
    duration: seconds,
    ...extra,
  });
}

function rowOf(name: string, result: autocannon.Result, note?: string): BenchRow {
  if (result.errors > 0) throw new Error(`${name}: ${result.errors} errors`);
  return {
    name,
    count: result.requests.total,
    perSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ...(note ? { note } : {}),
  };
}

export async function benchHttp(seconds = 10): Promise<Section> {
  const server = await startServer();
  try {
    const rows: BenchRow[] = [];
    const url = (name: string) => `${server.base}/bench/${name}?name=bench`;
    for (const name of ['static', 'script']) {
      await load(url(name), 1); // warm-up
      const result = await load(url(name), seconds);
      if (result.non2xx > 0) throw new Error(`${name}: ${result.non2xx} non-2xx answers`);
      rows.push(rowOf(`${httpConnections} connections, cached ${name} responder`, result));
    }
    const [staticRow, scriptRow] = rows as [BenchRow, BenchRow];
    // 1 % of the script rate just measured, as requests to the never-ending script, beside the 32 benign connections.
    const adversarialRate = Math.max(1, Math.round((scriptRow.perSecond ?? 0) / 99));
    const [benign, adversarial] = await Promise.all([
      load(url('script'), seconds),
      load(url('timeout'), seconds, { connections: 8, overallRate: adversarialRate }),
    ]);
    if (benign.non2xx > 0) throw new Error(`mix: ${benign.non2xx} benign requests failed`);
    const adversarialShare =
      adversarial.requests.total / (adversarial.requests.total + benign.requests.total);
    rows.push(
      rowOf(
        `mix: script responder, benign requests`,
        benign,
        `with ${(adversarialShare * 100).toFixed(1)} % timeouts beside`,
      ),
      rowOf(
        `mix: the timeouts (deadline ${timeoutDeadlineMs} ms)`,
        adversarial,
        `${adversarial.non2xx} answered 504`,
      ),
    );
    const ratio = (scriptRow.perSecond ?? 0) / (staticRow.perSecond ?? 1);
    return {
      title: 'Over HTTP through the local server (autocannon)',
      ranAt: new Date().toISOString(),
      machine: machine(),
      rows,
      notes: [
        `POST with the ~1 KB JSON body, ${httpConnections} connections, ${seconds} s per case after a 1 s warm-up; the server runs one sandbox worker per core and writes one EMF record per request to its stdout.`,
        `The mix adds a second client at ${adversarialRate} req/s (1 % of the script rate) to a responder whose script loops forever under a ${timeoutDeadlineMs} ms deadline.`,
      ],
      targets: [
        {
          what: 'HTTP script throughput vs static',
          target: '>= 60 %',
          measured: `${(ratio * 100).toFixed(0)} % (${Math.round(scriptRow.perSecond ?? 0)} vs ${Math.round(staticRow.perSecond ?? 0)} req/s)`,
          met: ratio >= 0.6,
        },
        {
          what: 'HTTP script p99, 32 connections',
          target: '<= 20 ms',
          measured: `${formatMs(scriptRow.p99Ms)} ms`,
          met: scriptRow.p99Ms <= 20,
        },
        {
          what: 'HTTP benign p99 with 1 % timeouts',
          target: '<= 50 ms',
          measured: `${formatMs(benign.latency.p99)} ms`,
          met: benign.latency.p99 <= 50,
        },
      ],
    };
  } finally {
    server.stop();
  }
}
