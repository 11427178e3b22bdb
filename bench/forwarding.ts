// Section `forwarding`: what a forwarded request (docs/contract.md §13) costs beyond the upstream's own time. A local
// upstream on 127.0.0.1 answers at once; the same call is timed from the host's own client (no sandbox), then
// from a script through the pool, next to the same script without the call.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpstreamClient } from '../lib/forwarding/client.ts';
import { createSandbox } from '../lib/sandbox/index.ts';
import { machine, type Section } from './report.ts';
import { type BenchRow, formatMs, summarize, timeLoop } from './stats.ts';
import { benchContext } from './workload.ts';

export async function benchForwarding(seconds = 5): Promise<Section> {
  const answer = Buffer.from('{"ok":true,"upstream":"local"}');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const sandbox = createSandbox({ poolSize: 1, upstreamAllowPrivate: true });
  const context = benchContext();
  const defaults = { statusCode: 200, headers: [], body: new Uint8Array(0) };
  const forwarder = `(async () => await Deno.core.ops.op_proxy_request({ url: ${JSON.stringify(url)}, method: context.method, headers: context.headers, body: context.body }))();`;
  const withoutCall = `(async () => ({ statusCode: 200, headers: {}, body: context.body }))();`;
  try {
    const client = new UpstreamClient({ allowPrivate: true });
    const direct = await timeLoop(
      () =>
        client.send({
          url,
          method: context.method,
          headers: context.headers,
          body: context.body,
          insecure: false,
          timeoutMs: 5_000,
          decompress: true,
        }),
      { seconds, warmUp: 200 },
    );
    const inWorkerMs: number[] = [];
    const timeScript = (script: string) =>
      timeLoop(
        async () => {
          const execution = await sandbox.run({ script, context, defaults });
          if (execution.outcome !== 'ok') throw new Error(`forwarding bench: ${execution.outcome}`);
          if (script === forwarder) inWorkerMs.push(execution.durationMs);
        },
        { seconds, warmUp: 200 },
      );
    const forwarded = await timeScript(forwarder);
    const plain = await timeScript(withoutCall);
    const row = (name: string, run: { latenciesMs: number[]; elapsedS: number }, note: string): BenchRow => ({
      name,
      ...summarize(run.latenciesMs),
      perSecond: run.latenciesMs.length / run.elapsedS,
      note,
    });
    const rows = [
      row(
        'the upstream call from the host (no sandbox)',
        direct,
        "the upstream's own time as a client sees it",
      ),
      row('a script that forwards the request (op_proxy_request)', forwarded, 'through the worker pool'),
      row('the same script without the call', plain, 'the sandbox alone'),
      {
        name: 'the forwarding script, time inside the worker',
        ...summarize(inWorkerMs.slice(-forwarded.latenciesMs.length)),
      },
    ];
    const [upstream, forwarding, alone] = rows as [BenchRow, BenchRow, BenchRow];
    return {
      title: 'Forwarding to an upstream (SPEC §13), local upstream on 127.0.0.1',
      ranAt: new Date().toISOString(),
      machine: machine(),
      rows,
      facts: {
        'cost beyond the upstream, p50 (ms)': formatMs(forwarding.p50Ms - upstream.p50Ms),
        'cost beyond the upstream and the sandbox, p50 (ms)': formatMs(
          forwarding.p50Ms - upstream.p50Ms - alone.p50Ms,
        ),
      },
      notes: [
        'One new connection per call (agent: false, so no socket outlives its execution): the host row pays it too.',
      ],
    };
  } finally {
    await sandbox.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
