// `npm run soak -- [--requests N] [--max-seconds S] [--concurrency C] [--benign-only] [--json]`: the local server under a mixed
// load (scripts/soak/run-soak.ts), loopback only. Prints the report; exit status 1 when any answer was wrong.
import { parseArgs } from 'node:util';
import { formatSoakReport, runSoak } from './soak/run-soak.ts';

const usage =
  'usage: npm run soak -- [--requests N] [--max-seconds S] [--concurrency C] [--benign-only] [--json]';

function integer(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    process.stderr.write(`soak: --${name} must be an integer from 1 to ${max}\n${usage}\n`);
    process.exit(2);
  }
  return Number(value);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      requests: { type: 'string' },
      'max-seconds': { type: 'string' },
      concurrency: { type: 'string' },
      'benign-only': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  }));
} catch (error) {
  process.stderr.write(`soak: ${(error as Error).message}\n${usage}\n`);
  process.exit(2);
}

const report = await runSoak({
  requests: integer('requests', values.requests as string | undefined, 50_000, 10_000_000),
  maxDurationMs: integer('max-seconds', values['max-seconds'] as string | undefined, 900, 86_400) * 1000,
  concurrency: integer('concurrency', values.concurrency as string | undefined, 16, 256),
  benignOnly: values['benign-only'] === true,
  progress: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(
  values.json ? `${JSON.stringify(report)}\n` : `${formatSoakReport(report).join('\n')}\n`,
);
process.exit(report.wrongAnswers === 0 ? 0 : 1);
