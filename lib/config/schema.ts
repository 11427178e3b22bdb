// What each environment variable accepts, its default, and what is wrong with a bad value: one entry per
// variable. An empty value counts as unset (read.ts drops it first), as a shell's `VAR= npm start` means.
// Plain functions rather than zod: the webhook handler reads its settings before it starts the sandbox worker
// and loads no zod otherwise; zod/mini there cost 10-12 ms of CPU per cold start (measured, module load and
// first parse), and every check here is a custom one that zod would only have wrapped.
import { availableParallelism } from 'node:os';
import { definitionCacheTtlMsDefault } from '../limits.ts';
import { type EnvName, envNames } from './names.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: EnvName,
    readonly problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

export interface Setting<T = unknown> {
  variable: EnvName;
  /** The value of the variable (undefined when unset), or a ConfigError naming it. */
  read(value: string | undefined): T;
}

function text(variable: EnvName): Setting<string | undefined> {
  return { variable, read: (value) => value };
}

function textOr(variable: EnvName, fallback: string): Setting<string> {
  return { variable, read: (value) => value ?? fallback };
}

/** `parse` answers undefined for a value it refuses; `problem` says why, after the variable's name. */
function parsed<T>(
  variable: EnvName,
  parse: (value: string) => T | undefined,
  problem: (value: string) => string,
  fallback: () => T,
): Setting<T> {
  return {
    variable,
    read(value) {
      if (value === undefined) return fallback();
      const result = parse(value);
      if (result === undefined) throw new ConfigError(variable, problem(value));
      return result;
    },
  };
}

function integer(value: string, min: number, max: number): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number >= min && number <= max ? number : undefined;
}

function choice<T>(choices: ReadonlyArray<readonly [string, T]>) {
  return (value: string) => choices.find(([name]) => name === value)?.[1];
}

export const settings = {
  /** Required where the table is not ours to make up: the Lambda functions and the operator commands. */
  tableName: {
    variable: envNames.tableName,
    read(value: string | undefined): string {
      if (value === undefined) {
        throw new ConfigError(
          envNames.tableName,
          'is not set (the TableName output of the stack, or your local table)',
        );
      }
      return value;
    },
  },
  /** npm start makes its own table, under this name unless told otherwise. */
  localTableName: textOr(envNames.tableName, 'webhook-responders'),
  dynamodbEndpoint: text(envNames.dynamodbEndpoint),
  definitionCacheTtlMs: parsed(
    envNames.definitionCacheTtlMs,
    (value) => {
      const ms = Number(value);
      return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
    },
    (value) => `must be a number of milliseconds >= 0, not ${JSON.stringify(value)}`,
    () => definitionCacheTtlMsDefault,
  ),
  secretsKmsKeyId: text(envNames.secretsKmsKeyId),
  dataDir: text(envNames.dataDir),
  /**
   * `true` lets scripts' upstream calls reach private, loopback and link-local addresses (docs/contract.md
   * §13), for local testing against a server on this machine only. Anything but true or false stops the
   * start, so a typo cannot silently open or close it.
   */
  forwardAllowPrivate: parsed(
    envNames.forwardAllowPrivate,
    choice([
      ['true', true],
      ['false', false],
    ]),
    (value) => `must be true or false, not ${JSON.stringify(value)}`,
    () => false,
  ),
  port: parsed(
    envNames.port,
    (value) => integer(value, 0, 65535),
    (value) => `must be 0..65535, not ${value}`,
    () => 3000,
  ),
  host: textOr(envNames.host, '127.0.0.1'),
  /**
   * One worker per core keeps every core busy with scripts; more workers let benign requests go on while a
   * bad tenant's scripts hold workers until their deadlines.
   */
  sandboxWorkers: parsed(
    envNames.sandboxWorkers,
    (value) => integer(value, 1, 64),
    (value) => `must be an integer 1..64, not ${value}`,
    () => availableParallelism(),
  ),
  /** `off` turns the circuit breaker off, for load tests that want every failing script to run. */
  scriptBreaker: parsed(
    envNames.scriptBreaker,
    choice([
      ['on', true],
      ['off', false],
    ]),
    (value) => `must be on or off, not ${value}`,
    () => true,
  ),
  respondersFile: text(envNames.respondersFile),
  /** Checked by lib/local/management-keys.ts, which knows what a namespace and a key are. */
  apiKey: text(envNames.apiKey),
  apiKeys: text(envNames.apiKeys),
  serviceName: textOr(envNames.powertoolsServiceName, 'webhook-responders'),
  lambdaInitializationType: text(envNames.lambdaInitializationType),
  awsRegion: text(envNames.awsRegion),
  awsAccessKeyId: text(envNames.awsAccessKeyId),
  awsSecretAccessKey: text(envNames.awsSecretAccessKey),
  awsSessionToken: text(envNames.awsSessionToken),
  awsProfile: text(envNames.awsProfile),
} satisfies Record<string, Setting>;
