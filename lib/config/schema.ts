// One zod schema per environment variable: what it accepts, its default, and what is wrong with a bad value.
// An empty value counts as unset (read.ts drops it first), as a shell's `VAR= npm start` means.
// zod/mini rather than zod: the webhook handler reads its settings before it starts the sandbox worker and
// otherwise loads no zod at all; the mini build adds about 12 KB (minified) to its bundle, zod about 85 KB.
import { availableParallelism } from 'node:os';
import * as z from 'zod/mini';
import { definitionCacheTtlMsDefault } from '../limits.ts';
import { type EnvName, envNames } from './names.ts';

export interface Setting<T = unknown> {
  variable: EnvName;
  schema: z.ZodMiniType<T, string | undefined>;
}

/** A variable's value turned into T by `read`, which answers undefined for a value it refuses. */
function parsed<T>(read: (value: string) => T | undefined, problem: (value: string) => string) {
  return z.pipe(
    z.string(),
    z.transform((value: string, context) => {
      const result = read(value);
      if (result !== undefined) return result;
      context.issues.push({ code: 'custom', message: problem(value), input: value });
      return z.NEVER;
    }),
  );
}

function setting<T>(variable: EnvName, schema: z.ZodMiniType<T, string | undefined>): Setting<T> {
  return { variable, schema };
}

function integer(value: string, min: number, max: number): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

const text = z.optional(z.string());

export const settings = {
  /** Required where the table is not ours to make up: the Lambda functions and the operator commands. */
  tableName: setting(
    envNames.tableName,
    z.string({ error: 'is not set (the TableName output of the stack, or your local table)' }),
  ),
  /** npm start makes its own table, under this name unless told otherwise. */
  localTableName: setting(envNames.tableName, z._default(z.string(), 'webhook-responders')),
  dynamodbEndpoint: setting(envNames.dynamodbEndpoint, text),
  definitionCacheTtlMs: setting(
    envNames.definitionCacheTtlMs,
    z._default(
      parsed(
        (value) => {
          const ms = Number(value);
          return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
        },
        (value) => `must be a number of milliseconds >= 0, not ${JSON.stringify(value)}`,
      ),
      definitionCacheTtlMsDefault,
    ),
  ),
  secretsKmsKeyId: setting(envNames.secretsKmsKeyId, text),
  dataDir: setting(envNames.dataDir, text),
  /**
   * `true` lets scripts' upstream calls reach private, loopback and link-local addresses (docs/contract.md
   * §13), for local testing against a server on this machine only. Anything but true or false stops the
   * start, so a typo cannot silently open or close it.
   */
  forwardAllowPrivate: setting(
    envNames.forwardAllowPrivate,
    z._default(
      parsed(
        (value) => (value === 'true' ? true : value === 'false' ? false : undefined),
        (value) => `must be true or false, not ${JSON.stringify(value)}`,
      ),
      false,
    ),
  ),
  port: setting(
    envNames.port,
    z._default(
      parsed(
        (value) => integer(value, 0, 65535),
        (value) => `must be 0..65535, not ${value}`,
      ),
      3000,
    ),
  ),
  host: setting(envNames.host, z._default(z.string(), '127.0.0.1')),
  /**
   * One worker per core keeps every core busy with scripts; more workers let benign requests go on while a
   * bad tenant's scripts hold workers until their deadlines.
   */
  sandboxWorkers: setting(
    envNames.sandboxWorkers,
    z._default(
      parsed(
        (value) => integer(value, 1, 64),
        (value) => `must be an integer 1..64, not ${value}`,
      ),
      () => availableParallelism(),
    ),
  ),
  /** `off` turns the circuit breaker off, for load tests that want every failing script to run. */
  scriptBreaker: setting(
    envNames.scriptBreaker,
    z._default(
      parsed(
        (value) => (value === 'on' ? true : value === 'off' ? false : undefined),
        (value) => `must be on or off, not ${value}`,
      ),
      true,
    ),
  ),
  respondersFile: setting(envNames.respondersFile, text),
  /** Checked by lib/local/management-keys.ts, which knows what a namespace and a key are. */
  apiKey: setting(envNames.apiKey, text),
  apiKeys: setting(envNames.apiKeys, text),
  serviceName: setting(envNames.powertoolsServiceName, z._default(z.string(), 'webhook-responders')),
  lambdaInitializationType: setting(envNames.lambdaInitializationType, text),
  awsRegion: setting(envNames.awsRegion, text),
  awsAccessKeyId: setting(envNames.awsAccessKeyId, text),
  awsProfile: setting(envNames.awsProfile, text),
} as const;
