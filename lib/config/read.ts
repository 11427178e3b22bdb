// Reads the configuration of a process once, at its entry (a Lambda handler, npm start, an operator command),
// from the settings it uses and no others: a PORT in an operator's shell is no business of `npm run keys`.
// A bad value stops the process with a ConfigError naming the variable and what is wrong with it.
import { type Setting, settings } from './schema.ts';

export { ConfigError } from './schema.ts';
export type Env = Readonly<Record<string, string | undefined>>;

type Values<S extends Record<string, Setting>> = {
  [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

export function readConfig<S extends Record<string, Setting>>(wanted: S, env: Env): Values<S> {
  // An empty value is an unset one.
  return Object.fromEntries(
    Object.entries(wanted).map(([key, { variable, read }]) => [key, read(env[variable] || undefined)]),
  ) as Values<S>;
}

const {
  tableName,
  localTableName,
  dynamodbEndpoint,
  definitionCacheTtlMs,
  secretsKmsKeyId,
  dataDir,
  forwardAllowPrivate,
} = settings;

/** Both Lambda functions (the management function has no definition cache and ignores its TTL). */
export function readFunctionConfig(env: Env = process.env) {
  return readConfig(
    { tableName, dynamodbEndpoint, definitionCacheTtlMs, secretsKmsKeyId, dataDir, forwardAllowPrivate },
    env,
  );
}
export type FunctionConfig = ReturnType<typeof readFunctionConfig>;

/** `npm start`. */
export function readLocalConfig(env: Env = process.env) {
  const { port, host, sandboxWorkers, scriptBreaker, respondersFile, apiKey, apiKeys } = settings;
  return readConfig(
    {
      tableName: localTableName,
      dynamodbEndpoint,
      definitionCacheTtlMs,
      secretsKmsKeyId,
      dataDir,
      forwardAllowPrivate,
      port,
      host,
      sandboxWorkers,
      scriptBreaker,
      respondersFile,
      apiKey,
      apiKeys,
    },
    env,
  );
}
export type LocalConfig = ReturnType<typeof readLocalConfig>;

/** `npm run keys` and `npm run responders`: the table, or AWS credentials from the usual chain. */
export function readCommandConfig(env: Env = process.env) {
  return readConfig({ tableName, dynamodbEndpoint }, env);
}

/** `npm run try`: a sandbox and nothing else. */
export function readTryConfig(env: Env = process.env) {
  return readConfig({ forwardAllowPrivate }, env);
}

/**
 * What Lambda's runtime sets, read where Powertools is built (when lib/metrics is first imported). Apart from
 * the rest so that a bad setting of the process surfaces from its entry's read, not from an import.
 */
export function readLambdaEnvironment(env: Env = process.env) {
  const { serviceName, lambdaInitializationType } = settings;
  return readConfig({ serviceName, lambdaInitializationType }, env);
}

/**
 * What the AWS SDK's own chain reads: for the SDK's DynamoDB client, the choice of a local store's region and
 * keys; for the signed client of lib/aws, the region and the credentials themselves (as Lambda sets them).
 */
export function readAwsEnvironment(env: Env = process.env) {
  const { awsRegion, awsAccessKeyId, awsSecretAccessKey, awsSessionToken, awsProfile } = settings;
  return readConfig({ awsRegion, awsAccessKeyId, awsSecretAccessKey, awsSessionToken, awsProfile }, env);
}
export type AwsEnvironment = ReturnType<typeof readAwsEnvironment>;
