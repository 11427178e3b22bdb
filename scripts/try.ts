// `npm run --silent try -- [--request FILE] [--secrets FILE] [--deadline-ms N] [--memory-bytes N] [--repeat N]
// [--seed BASE64] [--now-ms N] SCRIPT_FILE...`
// (docs/contract.md §7): runs each script in one sandbox, as the server would, and prints one JSON line per script.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { sandboxOptions } from '../lib/app/sandbox.ts';
import { bytesToBase64 } from '../lib/base64.ts';
import { ConfigError, readTryConfig } from '../lib/config/read.ts';
import { defaultScriptLimits, deploymentCaps } from '../lib/limits.ts';
import { secretValueSchema } from '../lib/management/secret-routes.ts';
import { describeIssues as fieldIssues } from '../lib/responders/describe-issues.ts';
import { secretNameSchema } from '../lib/responders/schema.ts';
import { seedBytes } from '../lib/sandbox/host-ops.ts';
import {
  createSandbox,
  type ScriptContext,
  type ScriptExecution,
  type ScriptLimits,
} from '../lib/sandbox/index.ts';
import { memoryMinBytes } from '../lib/sandbox/limits.ts';
import { contextOf, defaultRequest, readRequest } from './try/request.ts';

const usage =
  'usage: npm run --silent try -- [--request FILE] [--secrets FILE] [--deadline-ms N] [--memory-bytes N] [--repeat N] [--seed BASE64] [--now-ms N] SCRIPT_FILE...';
const repeatMax = 100_000;
/** The last millisecond a JavaScript Date can hold. */
const dateMaxMs = 8.64e15;

class UsageError extends Error {}

interface Options {
  files: string[];
  context: ScriptContext;
  /** `context.secrets` (docs/contract.md §12). */
  secrets: Record<string, string>;
  limits: ScriptLimits;
  repeat: number;
  /** docs/contract.md §9: fixed to reproduce an execution; else fresh for every run. */
  seed?: Uint8Array;
  nowMs?: number;
}

function seedOption(value: string | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (
    !/^[A-Za-z0-9+/]*={0,2}$/.test(value) ||
    bytes.toString('base64') !== value ||
    bytes.length !== seedBytes
  ) {
    throw new UsageError(`--seed must be ${seedBytes} bytes in base64 (44 characters), got "${value}"`);
  }
  return new Uint8Array(bytes);
}

function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${what} ${file}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`,
    );
  }
}

function parseOptions(args: string[]): Options {
  let parsed: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'string' }>; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        request: { type: 'string' },
        secrets: { type: 'string' },
        'deadline-ms': { type: 'string' },
        'memory-bytes': { type: 'string' },
        repeat: { type: 'string' },
        seed: { type: 'string' },
        'now-ms': { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad option');
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw new UsageError(`no script file given; ${usage}`);
  let context = contextOf(defaultRequest);
  if (values.request !== undefined) {
    const source = readText(values.request, 'request file');
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new UsageError(`request file ${values.request} is not JSON: ${(error as Error).message}`);
    }
    const read = readRequest(json);
    if ('error' in read) throw new UsageError(`request file ${values.request}: ${read.error}`);
    context = contextOf(read.request);
  }
  const seed = seedOption(values.seed);
  const nowMs =
    values['now-ms'] === undefined ? undefined : integerOption('now-ms', values['now-ms'], 0, 0, dateMaxMs);
  return {
    files: positionals,
    context,
    ...(seed ? { seed } : {}),
    ...(nowMs !== undefined ? { nowMs } : {}),
    secrets: values.secrets === undefined ? {} : readSecrets(values.secrets),
    repeat: integerOption('repeat', values.repeat, 1, 1, repeatMax),
    limits: {
      deadlineMs: integerOption(
        'deadline-ms',
        values['deadline-ms'],
        defaultScriptLimits.deadlineMs,
        1,
        deploymentCaps.deadlineMs,
      ),
      memoryBytes: integerOption(
        'memory-bytes',
        values['memory-bytes'],
        defaultScriptLimits.memoryBytes,
        memoryMinBytes,
        deploymentCaps.memoryBytes,
      ),
      stackBytes: defaultScriptLimits.stackBytes,
    },
  };
}

/** A JSON object name → value, each as the management API would take it. */
function readSecrets(file: string): Record<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(readText(file, 'secrets file'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`secrets file ${file} is not JSON: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new UsageError(`secrets file ${file}: must be a JSON object of name → value`);
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(json)) {
    const checked = secretNameSchema('name').safeParse(name);
    const checkedValue = secretValueSchema.safeParse({ value });
    const problem = checked.error ?? checkedValue.error;
    if (problem) throw new UsageError(`secrets file ${file}: ${name}: ${fieldIssues(problem)}`);
    secrets[name] = value as string;
  }
  return secrets;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function line(file: string, execution: ScriptExecution, durations: number[] | undefined): string {
  const fields: Record<string, unknown> = {
    script: file,
    outcome: execution.outcome,
    statusCode: execution.statusCode,
    headers: execution.headers,
    bodyBase64: bytesToBase64(execution.body),
    console: execution.console,
    durationMs: round(execution.durationMs),
    memoryBytes: execution.memoryBytes,
  };
  if (durations) {
    const sorted = [...durations].sort((a, b) => a - b);
    fields.p50Ms = round(percentile(sorted, 0.5));
    fields.p99Ms = round(percentile(sorted, 0.99));
  }
  return JSON.stringify(fields);
}

async function main(args: string[]): Promise<number> {
  let options: Options;
  let scripts: string[];
  let config: ReturnType<typeof readTryConfig>;
  try {
    config = readTryConfig();
    options = parseOptions(args);
    scripts = options.files.map((file) => readText(file, 'script file'));
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    process.stderr.write(`try: ${error.message}\n`);
    return 2;
  }
  const sandbox = createSandbox(sandboxOptions(config, 1));
  try {
    for (const [index, file] of options.files.entries()) {
      const run = {
        script: scripts[index] as string,
        context: options.context,
        secrets: options.secrets,
        defaults: { statusCode: 200, headers: [], body: new Uint8Array() },
        limits: options.limits,
        ...(options.seed ? { seed: options.seed } : {}),
        ...(options.nowMs !== undefined ? { nowMs: options.nowMs } : {}),
      };
      const durations: number[] = [];
      let execution = await sandbox.run(run);
      durations.push(execution.durationMs);
      for (let i = 1; i < options.repeat; i++) {
        execution = await sandbox.run(run);
        durations.push(execution.durationMs);
      }
      process.stdout.write(`${line(file, execution, options.repeat > 1 ? durations : undefined)}\n`);
    }
  } finally {
    await sandbox.close();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
