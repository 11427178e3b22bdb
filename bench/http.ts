// `npm run bench -- webhook-http`: the real local server (scripts/start.ts in its own process, EMF written to
// its stdout as in Lambda) under autocannon with 32 connections, a cached static vs a cached script responder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { benchResponders } from './handler.ts';
import { type BenchSection, ms, percentiles } from './section.ts';

const httpConnections = 32;
const secondsPerCase = 10;

export async function benchHttp(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-http-'));
  const file = join(dir, 'responders.json');
  writeFileSync(file, JSON.stringify({ namespace: 'bench', responders: benchResponders }));
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
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
  // The server's own view of each measured request, from its EMF records.
  let recording = false;
  const serverSide = { requestLatency: [] as number[], scriptExecutionTime: [] as number[] };
  let partial = '';
  const record = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    if (!recording) return;
    for (const line of lines) {
      if (!line.includes('"CloudWatchMetrics"')) continue;
      const emf = JSON.parse(line) as Record<string, number>;
      if (emf.RequestLatency !== undefined) serverSide.requestLatency.push(emf.RequestLatency);
      if (emf.ScriptExecutionTime !== undefined) serverSide.scriptExecutionTime.push(emf.ScriptExecutionTime);
    }
  };
  const loadAtStart = loadavg()[0] ?? 0;
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString();
        const ready = /listening on (http:\/\/[^\s]+)/.exec(head);
        if (ready?.[1]) {
          // Keep reading the server's stdout (its EMF records), or it would block on a full pipe.
          child.stdout?.off('data', onData);
          child.stdout?.on('data', record);
          resolve(ready[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.on('exit', () => reject(new Error(`the local server exited: ${head}`)));
    });
    const rows: Array<{
      case: string;
      requests: number;
      'req/s': number;
      'p50 ms': number;
      'p99 ms': number;
    }> = [];
    for (const path of ['/bench/static', '/bench/script']) {
      const url = `${base}${path}?name=bench`;
      await autocannon({ url, connections: httpConnections, duration: 1 }); // warm-up
      recording = path === '/bench/script';
      const result = await autocannon({ url, connections: httpConnections, duration: secondsPerCase });
      recording = false;
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      }
      rows.push({
        case: `cached ${path.slice('/bench/'.length)} responder`,
        requests: result.requests.total,
        'req/s': Math.round(result.requests.average),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
      });
    }
    const [staticRow, scriptRow] = rows;
    const ratio = staticRow && scriptRow ? scriptRow['req/s'] / staticRow['req/s'] : 0;
    return {
      title: `Webhooks over HTTP through the local server (${httpConnections} connections)`,
      rows,
      notes: [
        `autocannon in this process, ${httpConnections} connections, ${secondsPerCase} s per case after 1 s of warm-up, against \`scripts/start.ts\` in its own process (EMF records written to its stdout, one sandbox worker per CPU).`,
        `The load generator shares the machine with the server: on 2 cores it takes about one of them. Load average (1 min) at the start: ${loadAtStart.toFixed(1)}.`,
        `Script case as the server saw it (its EMF records): RequestLatency p50 ${ms(percentiles(serverSide.requestLatency).p50)} ms / p99 ${ms(percentiles(serverSide.requestLatency).p99)} ms; ScriptExecutionTime (inside the sandbox) p50 ${ms(percentiles(serverSide.scriptExecutionTime).p50)} ms / p99 ${ms(percentiles(serverSide.scriptExecutionTime).p99)} ms. The difference is the wait for a free sandbox worker and the round trip to it.`,
        `Script throughput is ${Math.round(ratio * 100)} % of static (target >= 50 %); script p99 ${scriptRow?.['p99 ms']} ms (target <= 25 ms).`,
      ],
    };
  } finally {
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
