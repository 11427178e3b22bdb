// The environment a Lambda function sees, for the local server: Powertools reads it when its objects are
// built (e.g. the ColdStart metric is only emitted with AWS_LAMBDA_INITIALIZATION_TYPE=on-demand), so this
// must run before lib/metrics is imported. Values already set win.
export function applyLambdaLikeEnv(env: NodeJS.ProcessEnv = process.env): void {
  const defaults: Record<string, string> = {
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_FUNCTION_NAME: 'webhook-responders-local',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    AWS_REGION: 'us-east-1',
    POWERTOOLS_SERVICE_NAME: 'webhook-responders',
    // The SDK warns on every start that releases after January 2027 need Node 22; the lock file pins it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(defaults)) env[name] ??= value;
}
