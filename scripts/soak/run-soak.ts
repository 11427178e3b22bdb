// The soak (issue 7): `npm start` in a child process (loopback only) under a mixed load for a bounded number of
// requests and a bounded time. Benign requests must get their exact expected answer, adversarial scripts their
// docs/contract.md §3 failure answer, and concurrent management writes exactly one winner; anything else is a wrong answer.
// Sandbox rebuilds and the server's RSS come from the EMF records the server writes to stdout (docs/contract.md §6).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';

export interface SoakOptions {
  /** Stop after this many requests (management calls included)... */
  requests: number;
  /** ...or after this long, whichever comes first. */
  maxDurationMs: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** How often the RSS is sampled. */
  rssSampleMs?: number;
  /** Only the benign classes (static, scripts, not found, management): tells request costs from rebuild costs. */
  benignOnly?: boolean;
  /** Progress lines (e.g. stderr). */
  progress?: (line: string) => void;
}

export interface ClassTally {
  sent: number;
  expected: number;
  wrong: number;
  statuses: Record<string, number>;
}

export interface SoakReport {
  requests: number;
  durationMs: number;
  requestsPerSecond: number;
  classes: Record<string, ClassTally>;
  wrongAnswers: number;
  /** The first few wrong answers, for a human. */
  wrongSamples: string[];
  management: { rounds: number; oneWinner: number };
  sandboxRecycles: Record<string, number>;
  /** [ms since start, server RSS in bytes]. */
  rss: Array<[number, number]>;
  rssAfterWarmUp: { firstBytes: number; lastBytes: number; minBytes: number; maxBytes: number };
}

interface Expectation {
  status: number;
  /** The exact body, or a prefix for answers whose detail is the engine's wording. */
  body: Buffer;
  prefix?: boolean;
}

/** What a class needs to call the management API: the created responders' ids by path, and the key. */
interface Api {
  ids: Map<string, string>;
  auth: Record<string, string>;
}

interface LoadClass {
  name: string;
  weight: number;
  benign: boolean;
  /** A path under `/api/` goes to the management API as is (with `headers`), any other to the namespace. */
  send(
    n: number,
    api: Api,
  ): { method: string; path: string; body?: Buffer; headers?: Record<string, string>; expect: Expectation };
}

const text = (value: string) => Buffer.from(value, 'utf8');
const namespace = 'soak';
const shortDeadlineMs = 20;
const bombMemoryBytes = 2 * 1024 * 1024;

/** The responders the load hits: [path, settings]. Scripts are Secutils-style IIFEs. */
const responders: Array<[string, Record<string, unknown>]> = [
  ['/static', { headers: [['content-type', 'text/plain']], body: 'static-ok' }],
  [
    '/echo',
    {
      headers: [['content-type', 'application/json']],
      script: '(() => ({ body: { n: context.query.n, m: context.method } }))();',
    },
  ],
  [
    '/bytes',
    {
      headers: [['content-type', 'application/octet-stream']],
      script: '(() => ({ body: new Uint8Array(context.body).reverse() }))();',
    },
  ],
  ['/tracked', { requestsToTrack: 5, headers: [['content-type', 'text/plain']], body: 'tracked-ok' }],
  ['/mgmt', { headers: [['content-type', 'text/plain']], body: 'mgmt-initial' }],
  ['/timeout', { script: '(() => { while (true) {} })()', limits: { deadlineMs: shortDeadlineMs } }],
  [
    '/hard-stop',
    // A native built-in that never polls QuickJS's interrupt: only the host's hard stop ends it.
    {
      script: 'Array.prototype.lastIndexOf.call({ length: 2 ** 40 }, 1)',
      limits: { deadlineMs: shortDeadlineMs },
    },
  ],
  [
    '/memory',
    {
      script: "(() => { let s = 'x'.repeat(1024); for (;;) { s = s + s; s.charCodeAt(1); } })()",
      limits: { memoryBytes: bombMemoryBytes },
    },
  ],
  ['/stack', { script: '(() => { const f = (n) => f(n + 1) + 1; return f(0); })()' }],
  ['/throws', { script: "(() => { throw new Error('boom'); })()" }],
  ['/invalid', { script: '(() => ({ statusCode: 42 }))()' }],
  ['/unsettled', { script: 'new Promise(() => {})' }],
];

const failure = (status: number, body: string, prefix = false): Expectation => ({
  status,
  body: text(body),
  prefix,
});

/**
 * Issue 11: scripts nested deeper than QuickJS's parser can hold, which used to kill the sandbox worker. The
 * save check refuses them, so they reach the sandbox through a dry run of a draft.
 */
const deepScripts = [
  `${'('.repeat(10_609)}1${')'.repeat(10_609)}`,
  `${'('.repeat(30_000)}1${')'.repeat(30_000)}`,
  `${'`${'.repeat(12_000)}1${'}`'.repeat(12_000)}`,
];
const deepScriptAnswer = 'Script syntax error: stack overflow (line 1)';

const loadClasses: LoadClass[] = [
  {
    name: 'static',
    weight: 25,
    benign: true,
    send: () => ({ method: 'GET', path: '/static', expect: { status: 200, body: text('static-ok') } }),
  },
  {
    name: 'script-echo',
    weight: 25,
    benign: true,
    send: (n) => ({
      method: 'GET',
      path: `/echo?n=${n}`,
      expect: { status: 200, body: text(JSON.stringify({ n: String(n), m: 'GET' })) },
    }),
  },
  {
    name: 'script-bytes',
    weight: 10,
    benign: true,
    send: () => {
      const body = randomBytes(1 + Math.floor(Math.random() * 2048));
      return {
        method: 'POST',
        path: '/bytes',
        body,
        expect: { status: 200, body: Buffer.from(body).reverse() },
      };
    },
  },
  {
    name: 'tracked',
    weight: 10,
    benign: true,
    send: (n) => ({
      method: 'GET',
      path: `/tracked?n=${n}`,
      expect: { status: 200, body: text('tracked-ok') },
    }),
  },
  {
    name: 'not-found',
    weight: 4,
    benign: true,
    send: (n) => ({ method: 'GET', path: `/nope-${n}/%zz`, expect: failure(404, 'Not found.') }),
  },
  {
    name: 'timeout',
    weight: 1,
    benign: false,
    send: () => ({
      method: 'GET',
      path: '/timeout',
      expect: failure(504, `Script exceeded time limit (${shortDeadlineMs} ms).`),
    }),
  },
  {
    name: 'hard-stop',
    weight: 0.05,
    benign: false,
    send: () => ({
      method: 'GET',
      path: '/hard-stop',
      expect: failure(504, `Script exceeded time limit (${shortDeadlineMs} ms).`),
    }),
  },
  {
    name: 'memory',
    weight: 0.1,
    benign: false,
    send: () => ({
      method: 'GET',
      path: '/memory',
      expect: failure(500, `Script exceeded memory limit (${bombMemoryBytes} bytes).`),
    }),
  },
  {
    name: 'stack',
    weight: 1,
    benign: false,
    send: () => ({ method: 'GET', path: '/stack', expect: failure(500, 'Script exceeded stack limit.') }),
  },
  {
    name: 'throws',
    weight: 1,
    benign: false,
    send: () => ({ method: 'GET', path: '/throws', expect: failure(500, 'Script error: boom') }),
  },
  {
    name: 'invalid',
    weight: 1,
    benign: false,
    send: () => ({
      method: 'GET',
      path: '/invalid',
      expect: failure(500, 'Script returned an invalid result: ', true),
    }),
  },
  {
    name: 'unsettled',
    weight: 1,
    benign: false,
    send: () => ({
      method: 'GET',
      path: '/unsettled',
      expect: failure(500, 'Script never settled its promise.'),
    }),
  },
  {
    name: 'deep-nesting',
    weight: 1,
    benign: false,
    send: (n, api) => {
      const script = deepScripts[n % deepScripts.length] as string;
      const responder = {
        name: 'soak deep',
        location: { pathType: '=', path: '/deep' },
        method: 'ANY',
        settings: { statusCode: 200, script },
      };
      if (n % 2 === 0)
        return {
          method: 'POST',
          path: '/api/responders',
          headers: api.auth,
          body: text(JSON.stringify(responder)),
          expect: failure(
            400,
            JSON.stringify({
              error: {
                code: 'invalid_script',
                message: `settings.script: syntax error: stack overflow (line 1)`,
              },
            }),
          ),
        };
      // The dry run's answer starts with the public answer; its timing and memory figures follow.
      const publicAnswer = JSON.stringify({
        statusCode: 500,
        headers: [['content-type', 'text/plain; charset=utf-8']],
        bodyBase64: text(deepScriptAnswer).toString('base64'),
        outcome: 'syntax',
      });
      return {
        method: 'POST',
        path: `/api/responders/${api.ids.get('/static')}/test`,
        headers: api.auth,
        body: text(JSON.stringify({ responder })),
        expect: failure(200, `${publicAnswer.slice(0, -1)},`, true),
      };
    },
  },
];

interface Answer {
  status: number;
  body: Buffer;
}

class Client {
  readonly #agent: Agent;
  readonly #port: number;

  constructor(base: string, sockets: number) {
    this.#port = Number(new URL(base).port);
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  send(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: this.#port,
          method,
          path,
          agent: this.#agent,
          headers: { ...headers, ...(body ? { 'content-length': String(body.byteLength) } : {}) },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

interface Server {
  child: ChildProcess;
  url: string;
  recycles: Record<string, number>;
  latestRss: () => number;
  exited: Promise<number | null>;
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

async function startServer(apiKey: string): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEYS: `${namespace}:${apiKey}`,
      // Errors only: the soak reads the EMF records, not the info logs.
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // The adversarial classes must reach the sandbox on every request, not the circuit breaker's 503.
      SCRIPT_BREAKER: 'off',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recycles: Record<string, number> = {};
  let rss = 0;
  let pending = '';
  let early = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const ready = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (ready?.[1]) resolve(ready[1]);
        if (!line.includes('"_aws"')) continue;
        const record = JSON.parse(line) as Record<string, unknown>;
        if (typeof record.ProcessMemoryRss === 'number') rss = record.ProcessMemoryRss;
        if (record.SandboxRecycled !== undefined) {
          const reason = String(record.recycleReason ?? 'unknown');
          recycles[reason] = (recycles[reason] ?? 0) + 1;
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      early += chunk.toString('utf8');
    });
    void exited.then(() =>
      reject(new Error(`the server exited before it was ready: ${early.slice(0, 2000)}`)),
    );
  });
  return { child, url, recycles, latestRss: () => rss, exited };
}

function startsWith(body: Buffer, prefix: Buffer): boolean {
  return body.byteLength >= prefix.byteLength && body.subarray(0, prefix.byteLength).equals(prefix);
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const concurrency = options.concurrency ?? 16;
  const apiKey = `soak-${randomBytes(16).toString('hex')}`;
  const server = await startServer(apiKey);
  const client = new Client(server.url, concurrency + 4);
  const auth = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  try {
    const ids = new Map<string, string>();
    for (const [path, settings] of responders) {
      const created = await client.send(
        'POST',
        '/api/responders',
        text(
          JSON.stringify({
            name: `soak ${path}`,
            location: { pathType: '=', path },
            method: 'ANY',
            settings: { statusCode: 200, ...settings },
          }),
        ),
        auth,
      );
      if (created.status !== 201) throw new Error(`creating ${path}: ${created.status} ${created.body}`);
      ids.set(path, (JSON.parse(created.body.toString()) as { id: string }).id);
    }

    const classes: Record<string, ClassTally> = {};
    const tally = (name: string) => {
      classes[name] ??= { sent: 0, expected: 0, wrong: 0, statuses: {} };
      return classes[name];
    };
    const wrongSamples: string[] = [];
    const wrong = (what: string) => {
      if (wrongSamples.length >= 20) return;
      wrongSamples.push(what);
      options.progress?.(`wrong answer: ${what}`);
    };
    const mix = options.benignOnly ? loadClasses.filter((c) => c.benign) : loadClasses;
    const totalWeight = mix.reduce((sum, c) => sum + c.weight, 0);
    // Each class once first (the users' first requests), then the weighted mix: a run of any length exercises
    // every class, the rare ones included.
    let picked = 0;
    const pick = (): LoadClass => {
      const first = mix[picked++];
      if (first) return first;
      let roll = Math.random() * totalWeight;
      for (const c of mix) {
        roll -= c.weight;
        if (roll < 0) return c;
      }
      return mix[0] as LoadClass;
    };

    const started = performance.now();
    const deadline = started + options.maxDurationMs;
    let issued = 0;
    const budgetLeft = () => issued < options.requests && performance.now() < deadline;
    const record = (name: string, answer: Answer | Error, expectation: Expectation, what: string) => {
      const entry = tally(name);
      entry.sent++;
      const status = answer instanceof Error ? 'error' : String(answer.status);
      entry.statuses[status] = (entry.statuses[status] ?? 0) + 1;
      const matches =
        !(answer instanceof Error) &&
        answer.status === expectation.status &&
        (expectation.prefix
          ? startsWith(answer.body, expectation.body)
          : answer.body.equals(expectation.body));
      if (matches) entry.expected++;
      else {
        entry.wrong++;
        wrong(
          `${name} ${what}: ${answer instanceof Error ? answer.message : `${answer.status} ${answer.body.toString('utf8', 0, 200)}`}`,
        );
      }
    };

    const user = async () => {
      while (budgetLeft()) {
        const n = issued++;
        const loadClass = pick();
        const { method, path, body, headers, expect } = loadClass.send(n, { ids, auth });
        const target = path.startsWith('/api/') ? path : `/${namespace}${path}`;
        const answer = await client.send(method, target, body, headers).catch((error: Error) => error);
        record(loadClass.name, answer, expect, `${method} ${path}`);
      }
    };

    // Two writers with the same version: exactly one 200 and one 409, then the public path serves the winner.
    const management = { rounds: 0, oneWinner: 0 };
    const mgmtId = ids.get('/mgmt') as string;
    const manager = async () => {
      while (budgetLeft()) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        if (!budgetLeft()) return;
        const round = management.rounds++;
        issued += 4;
        const read = await client.send('GET', `/api/responders/${mgmtId}`, undefined, auth);
        const current = JSON.parse(read.body.toString()) as Record<string, unknown> & { settings: object };
        const put = (body: string) =>
          client.send(
            'PUT',
            `/api/responders/${mgmtId}`,
            text(JSON.stringify({ ...current, settings: { ...current.settings, body } })),
            auth,
          );
        const bodies = [`mgmt-${round}-a`, `mgmt-${round}-b`];
        const answers = await Promise.all(bodies.map(put));
        const statuses = answers.map((answer) => answer.status).sort();
        const entry = tally('management');
        entry.sent += 3;
        for (const answer of [read, ...answers]) {
          entry.statuses[answer.status] = (entry.statuses[answer.status] ?? 0) + 1;
        }
        const winner = answers.findIndex((answer) => answer.status === 200);
        if (statuses[0] === 200 && statuses[1] === 409 && read.status === 200) {
          management.oneWinner++;
          entry.expected += 3;
        } else {
          entry.wrong += 3;
          wrong(`management round ${round}: GET ${read.status}, PUTs ${statuses.join(', ')}`);
        }
        const served = await client.send('GET', `/${namespace}/mgmt`).catch((error: Error) => error);
        record('management-served', served, { status: 200, body: text(bodies[winner] ?? '?') }, 'GET /mgmt');
      }
    };

    const rss: Array<[number, number]> = [];
    const sampler = setInterval(() => {
      const bytes = server.latestRss();
      if (bytes > 0) rss.push([Math.round(performance.now() - started), bytes]);
    }, options.rssSampleMs ?? 1_000);
    const progress = options.progress
      ? setInterval(() => {
          const seconds = (performance.now() - started) / 1000;
          options.progress?.(
            `${seconds.toFixed(0)} s: ${issued} requests, RSS ${(server.latestRss() / 2 ** 20).toFixed(0)} MiB, wrong ${wrongSamples.length}`,
          );
        }, 10_000)
      : undefined;
    try {
      await Promise.all([...Array.from({ length: concurrency }, user), manager()]);
    } finally {
      clearInterval(sampler);
      if (progress) clearInterval(progress);
    }
    const durationMs = performance.now() - started;
    const finalRss = server.latestRss();
    if (finalRss > 0) rss.push([Math.round(durationMs), finalRss]);

    const requests = Object.values(classes).reduce((sum, entry) => sum + entry.sent, 0);
    const wrongAnswers = Object.values(classes).reduce((sum, entry) => sum + entry.wrong, 0);
    // The first fifth of the run is warm-up (JIT, sandbox workers, dynalite's first pages).
    const settled = rss.filter(([ms]) => ms >= durationMs / 5).map(([, bytes]) => bytes);
    const after = settled.length > 0 ? settled : rss.map(([, bytes]) => bytes);
    return {
      requests,
      durationMs: Math.round(durationMs),
      requestsPerSecond: Math.round(requests / (durationMs / 1000)),
      classes,
      wrongAnswers,
      wrongSamples,
      management,
      sandboxRecycles: { ...server.recycles },
      rss,
      rssAfterWarmUp: {
        firstBytes: after[0] ?? 0,
        lastBytes: after.at(-1) ?? 0,
        minBytes: Math.min(...after),
        maxBytes: Math.max(...after),
      },
    };
  } finally {
    client.close();
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5_000);
    await server.exited;
    clearTimeout(timer);
  }
}

/** The report as text lines for a person. */
export function formatSoakReport(report: SoakReport): string[] {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const lines = [
    `requests: ${report.requests} in ${(report.durationMs / 1000).toFixed(1)} s (${report.requestsPerSecond}/s)`,
    `wrong answers: ${report.wrongAnswers}`,
    ...report.wrongSamples.map((sample) => `  ${sample}`),
    `management: ${report.management.rounds} rounds of two concurrent PUTs with one version, ${report.management.oneWinner} with exactly one winner`,
    `sandbox rebuilds: ${JSON.stringify(report.sandboxRecycles)}`,
    'class                sent   expected  wrong  statuses',
  ];
  for (const [name, entry] of Object.entries(report.classes)) {
    lines.push(
      `${name.padEnd(20)} ${String(entry.sent).padStart(6)} ${String(entry.expected).padStart(10)} ${String(entry.wrong).padStart(6)}  ${JSON.stringify(entry.statuses)}`,
    );
  }
  const { firstBytes, lastBytes, minBytes, maxBytes } = report.rssAfterWarmUp;
  lines.push(
    `server RSS after warm-up: first ${mib(firstBytes)}, last ${mib(lastBytes)}, min ${mib(minBytes)}, max ${mib(maxBytes)}`,
  );
  const step = Math.max(1, Math.floor(report.rss.length / 10));
  const samples = report.rss.filter((_, index) => index % step === 0 || index === report.rss.length - 1);
  lines.push(
    `server RSS over time: ${samples.map(([ms, bytes]) => `${(ms / 1000).toFixed(0)}s ${mib(bytes)}`).join(', ')}`,
  );
  return lines;
}
