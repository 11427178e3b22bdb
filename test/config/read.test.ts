import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  readAwsEnvironment,
  readCommandConfig,
  readFunctionConfig,
  readLocalConfig,
  readTryConfig,
} from '../../lib/config/read.ts';

function configError(read: () => unknown): ConfigError {
  try {
    read();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('readFunctionConfig', () => {
  it('reads what the stack sets, with defaults for the rest', () => {
    expect(
      readFunctionConfig({ TABLE_NAME: 't', SECRETS_KMS_KEY_ID: 'arn:key', DEFINITION_CACHE_TTL_MS: '0' }),
    ).toEqual({
      tableName: 't',
      dynamodbEndpoint: undefined,
      definitionCacheTtlMs: 0,
      secretsKmsKeyId: 'arn:key',
      dataDir: undefined,
      forwardAllowPrivate: false,
    });
  });

  it.each([{}, { TABLE_NAME: '' }])('refuses to start without TABLE_NAME (%j)', (env) => {
    const error = configError(() => readFunctionConfig(env));
    expect(error.variable).toBe('TABLE_NAME');
    expect(error.message).toMatch(/^TABLE_NAME is not set/);
  });

  it.each(['soon', '-1', 'Infinity', '5s'])('refuses DEFINITION_CACHE_TTL_MS=%s, naming it', (value) => {
    const error = configError(() => readFunctionConfig({ TABLE_NAME: 't', DEFINITION_CACHE_TTL_MS: value }));
    expect(error.message).toBe(
      `DEFINITION_CACHE_TTL_MS must be a number of milliseconds >= 0, not ${JSON.stringify(value)}`,
    );
  });
});

describe('FORWARD_ALLOW_PRIVATE', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
  ])('%j allows private upstreams: %s', (value, allowed) => {
    expect(readTryConfig({ FORWARD_ALLOW_PRIVATE: value }).forwardAllowPrivate).toBe(allowed);
  });

  it.each(['1', 'yes', 'TRUE', 'constructor'])('refuses %j, naming the variable', (value) => {
    expect(configError(() => readTryConfig({ FORWARD_ALLOW_PRIVATE: value })).message).toBe(
      `FORWARD_ALLOW_PRIVATE must be true or false, not ${JSON.stringify(value)}`,
    );
  });
});

describe('readLocalConfig', () => {
  it('has a default for everything (npm start needs no setting)', () => {
    expect(readLocalConfig({})).toEqual({
      tableName: 'webhook-responders',
      dynamodbEndpoint: undefined,
      definitionCacheTtlMs: 5000,
      secretsKmsKeyId: undefined,
      dataDir: undefined,
      forwardAllowPrivate: false,
      port: 3000,
      host: '127.0.0.1',
      sandboxWorkers: availableParallelism(),
      scriptBreaker: true,
      respondersFile: undefined,
      apiKey: undefined,
      apiKeys: undefined,
    });
  });

  it('reads every variable it is given', () => {
    const config = readLocalConfig({
      TABLE_NAME: 'mine',
      PORT: '0',
      HOST: '0.0.0.0',
      SANDBOX_WORKERS: '64',
      SCRIPT_BREAKER: 'off',
      DATA_DIR: '/tmp/x',
      RESPONDERS_FILE: 'r.json',
      API_KEY: 'k',
      API_KEYS: 'a:b',
    });
    expect(config).toMatchObject({
      tableName: 'mine',
      port: 0,
      host: '0.0.0.0',
      sandboxWorkers: 64,
      scriptBreaker: false,
      dataDir: '/tmp/x',
      respondersFile: 'r.json',
      apiKey: 'k',
      apiKeys: 'a:b',
    });
  });

  it.each([
    ['PORT', 'eighty', 'PORT must be 0..65535, not eighty'],
    ['PORT', '65536', 'PORT must be 0..65535, not 65536'],
    ['PORT', '80.5', 'PORT must be 0..65535, not 80.5'],
    ['SANDBOX_WORKERS', '0', 'SANDBOX_WORKERS must be an integer 1..64, not 0'],
    ['SANDBOX_WORKERS', 'many', 'SANDBOX_WORKERS must be an integer 1..64, not many'],
    ['SCRIPT_BREAKER', 'no', 'SCRIPT_BREAKER must be on or off, not no'],
    [
      'DEFINITION_CACHE_TTL_MS',
      'x',
      'DEFINITION_CACHE_TTL_MS must be a number of milliseconds >= 0, not "x"',
    ],
    ['FORWARD_ALLOW_PRIVATE', 'on', 'FORWARD_ALLOW_PRIVATE must be true or false, not "on"'],
  ])('refuses %s=%s with a ConfigError naming it', (variable, value, message) => {
    const error = configError(() => readLocalConfig({ [variable]: value }));
    expect(error.variable).toBe(variable);
    expect(error.message).toBe(message);
  });
});

describe('readCommandConfig', () => {
  it('reads the table and the endpoint and nothing of the local server', () => {
    expect(
      readCommandConfig({ TABLE_NAME: 't', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', PORT: 'eighty' }),
    ).toEqual({ tableName: 't', dynamodbEndpoint: 'http://127.0.0.1:8000' });
  });

  it('refuses to run without TABLE_NAME', () => {
    expect(configError(() => readCommandConfig({ DYNAMODB_ENDPOINT: 'http://x' })).variable).toBe(
      'TABLE_NAME',
    );
  });
});

describe('readAwsEnvironment', () => {
  it('reads the region and the credentials Lambda sets, and nothing else', () => {
    expect(
      readAwsEnvironment({
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        TABLE_NAME: 't',
      }),
    ).toEqual({
      awsRegion: 'eu-west-1',
      awsAccessKeyId: 'AKIDEXAMPLE',
      awsSecretAccessKey: 'secret',
      awsSessionToken: 'token',
      awsProfile: undefined,
    });
  });

  it('counts an empty AWS_SECRET_ACCESS_KEY or AWS_SESSION_TOKEN as unset', () => {
    expect(readAwsEnvironment({ AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '' })).toMatchObject({
      awsSecretAccessKey: undefined,
      awsSessionToken: undefined,
    });
  });
});
