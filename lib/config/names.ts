// The names of the environment variables the product reads, in one place: lib/config reads them and the CDK
// stack (cdk/) sets the Lambda functions' by the same constants, so a rename cannot leave one side behind.
// No imports: the CDK app and the Lambda handler's first lines load this without anything else.
export const envNames = {
  tableName: 'TABLE_NAME',
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  definitionCacheTtlMs: 'DEFINITION_CACHE_TTL_MS',
  secretsKmsKeyId: 'SECRETS_KMS_KEY_ID',
  dataDir: 'DATA_DIR',
  forwardAllowPrivate: 'FORWARD_ALLOW_PRIVATE',
  port: 'PORT',
  host: 'HOST',
  sandboxWorkers: 'SANDBOX_WORKERS',
  scriptBreaker: 'SCRIPT_BREAKER',
  respondersFile: 'RESPONDERS_FILE',
  apiKey: 'API_KEY',
  apiKeys: 'API_KEYS',
  powertoolsServiceName: 'POWERTOOLS_SERVICE_NAME',
  powertoolsMetricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  // Set by Lambda (and by lib/local/lambda-env.ts for npm start), read here and by Powertools and the AWS SDK.
  lambdaInitializationType: 'AWS_LAMBDA_INITIALIZATION_TYPE',
  awsRegion: 'AWS_REGION',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsSessionToken: 'AWS_SESSION_TOKEN',
  awsProfile: 'AWS_PROFILE',
} as const;

export type EnvName = (typeof envNames)[keyof typeof envNames];
