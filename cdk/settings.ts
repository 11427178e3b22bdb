// Deployment settings, read from CDK context (`cdk.json` or `-c key=value`) and checked before anything is built.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';

/** `-c key=value` always arrives as a string; cdk.json may carry real JSON types. Both are accepted. */
const contextBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false']).transform((value) => value === 'true'),
]);
const contextNumber = z.coerce.number();

const retentionDays = new Set<number>(
  Object.values(RetentionDays).filter((value) => typeof value === 'number'),
);

export const stackSettingsSchema = z
  .object({
    stackName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'a CloudFormation stack name (letters, digits, hyphens)')
      .default('WebhookResponders'),
    /** Steady-state requests per second the API's stage lets through, across all namespaces. */
    throttleRateLimit: contextNumber.pipe(z.number().positive().max(10_000)).default(100),
    /** Requests above the steady rate the stage absorbs in a burst. */
    throttleBurstLimit: contextNumber.pipe(z.number().int().positive().max(5_000)).default(200),
    /** Keep the table (deletion protection, RETAIN) and the log groups when the stack goes; false for throwaway stacks. */
    retainData: contextBoolean.default(true),
    logRetentionDays: contextNumber
      .pipe(
        z.number().refine((days) => retentionDays.has(days), 'one of the CloudWatch Logs retention periods'),
      )
      .default(30),
    /** An existing SNS topic the alarms notify. */
    alarmTopicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, 'an SNS topic ARN')
      .optional(),
    /** Script terminations (timeout, memory, stack) in five minutes that raise the alarm. */
    terminationsAlarmThreshold: contextNumber.pipe(z.number().int().positive()).default(10),
    /** How long a warm webhook function trusts a cached responder definition. */
    definitionCacheTtlMs: contextNumber.pipe(z.number().int().nonnegative()).optional(),
    /** A custom domain for the API; the namespace stays the first path segment. Needs `certificateArn`. */
    domainName: z
      .string()
      .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case DNS name')
      .optional(),
    /** An ACM certificate for `domainName`, in the stack's region. */
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/, 'an ACM certificate ARN')
      .optional(),
  })
  .refine((settings) => (settings.domainName === undefined) === (settings.certificateArn === undefined), {
    message: 'domainName and certificateArn go together',
    path: ['certificateArn'],
  });

export type StackSettings = z.infer<typeof stackSettingsSchema>;

export const settingKeys = Object.keys(stackSettingsSchema.shape) as (keyof StackSettings)[];

/** Reads every setting from context; a bad value stops the synth with a message that names the key. */
export function settingsFromContext(tryGetContext: (key: string) => unknown): StackSettings {
  const raw: Record<string, unknown> = {};
  for (const key of settingKeys) {
    const value = tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  const parsed = stackSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid deployment settings in CDK context: ${problems.join('; ')}`);
  }
  return parsed.data;
}
