// The whole deployment: one table, two sandbox functions behind one HTTP API, a dashboard and alarms.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Aws,
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { envNames } from '../lib/config/names.ts';
import { apiKeyPk, historyPk, namespacePk } from '../lib/store/keys.ts';
import { ResponderAlarms } from './alarms.ts';
import { consoleAssetCommands } from './bundle.ts';
import { createDashboard, type DashboardFunction } from './dashboard.ts';
import { functionSizing } from './function-sizing.ts';
import { createRespondersTable } from './responders-table.ts';
import { SandboxFunction, type TableAccess } from './sandbox-function.ts';
import type { StackSettings } from './settings.ts';
import { type TableSchema, tableSchema } from './table-schema.ts';
import { WebhookApi } from './webhook-api.ts';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Absolute paths of the modules bundled into the functions. */
export interface BundleEntries {
  readonly webhook: string;
  readonly management: string;
  readonly sandboxWorker: string;
}

export const defaultBundleEntries: BundleEntries = {
  webhook: path.join(projectRoot, 'functions', 'webhook.ts'),
  management: path.join(projectRoot, 'functions', 'management.ts'),
  sandboxWorker: path.join(projectRoot, 'lib', 'sandbox', 'worker.ts'),
};

/**
 * Item reads and writes only: no Scan, no table description or administration. The management API needs all of
 * them on responders and history.
 */
export const tableItemActions = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

/**
 * Which items each function may touch, by partition key (`dynamodb:LeadingKeys`, key layout in lib/store/table.ts).
 * The webhook function reads definitions and writes history, nothing else; the management API changes responders
 * and history and only reads API keys. Neither can create, change or revoke a key (the operator's `npm run keys`
 * does that with their own credentials), so a sandbox escape in either function cannot mint a key.
 */
export const webhookTableAccess: readonly TableAccess[] = [
  {
    actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
    leadingKeys: [namespacePk('*')],
  },
  { actions: ['dynamodb:UpdateItem', 'dynamodb:PutItem'], leadingKeys: [historyPk('*')] },
];
export const managementTableAccess: readonly TableAccess[] = [
  { actions: tableItemActions, leadingKeys: [namespacePk('*'), historyPk('*')] },
  { actions: ['dynamodb:GetItem'], leadingKeys: [apiKeyPk('*')] },
];

export interface WebhookRespondersStackProps extends StackProps {
  readonly settings: StackSettings;
  readonly entries?: BundleEntries;
  readonly tableSchema?: TableSchema;
}

export class WebhookRespondersStack extends Stack {
  readonly webhook: SandboxFunction;
  readonly management: SandboxFunction;
  readonly api: WebhookApi;

  constructor(scope: Construct, id: string, props: WebhookRespondersStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const entries = props.entries ?? defaultBundleEntries;
    const logRemovalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const sizing = functionSizing();
    const webhookServiceName = `${this.stackName}-webhook`;

    const schema = props.tableSchema ?? tableSchema;
    const table = createRespondersTable(this, 'Table', { schema, retainData: settings.retainData });

    const common = {
      sandboxWorkerEntry: entries.sandboxWorker,
      projectRoot,
      table,
      tableHasIndexes: schema.indexes.length > 0,
      sizing,
      logRetention: settings.logRetentionDays,
      logRemovalPolicy,
    };
    // Secrets (docs/contract.md §12) are sealed with per-secret data keys that this key wraps (lib/secrets/kms-cipher.ts). It
    // lives and goes with the table that holds them.
    const secretsKey = new Key(this, 'SecretsKey', {
      description: 'Webhook responders: wraps the data keys of the namespaces secrets',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: logRemovalPolicy,
    });
    const secretsEnvironment = { [envNames.secretsKmsKeyId]: secretsKey.keyArn };
    this.webhook = new SandboxFunction(this, 'Webhook', {
      ...common,
      entry: entries.webhook,
      tableAccess: webhookTableAccess,
      description: 'Webhook responders: public webhook traffic',
      serviceName: webhookServiceName,
      environment: {
        ...secretsEnvironment,
        ...(settings.definitionCacheTtlMs === undefined
          ? {}
          : { [envNames.definitionCacheTtlMs]: String(settings.definitionCacheTtlMs) }),
      },
    });
    this.management = new SandboxFunction(this, 'Management', {
      ...common,
      entry: entries.management,
      tableAccess: managementTableAccess,
      description: 'Webhook responders: management API',
      serviceName: `${this.stackName}-management`,
      environment: secretsEnvironment,
      // The web console (docs/contract.md §11) is served by this function from files beside its handler.
      extraAssetCommands: consoleAssetCommands,
    });
    // The least each needs: the webhook function only reads secrets; the management function writes them
    // (Encrypt wraps a new data key) and reads them for dry runs. Neither may re-encrypt, generate or administer.
    secretsKey.grant(this.webhook.role, 'kms:Decrypt');
    secretsKey.grant(this.management.role, 'kms:Encrypt', 'kms:Decrypt');

    if (schema.indexes.length > 0) {
      const tableLogicalId = this.getLogicalId(table.node.defaultChild as CfnElement);
      for (const fn of [this.webhook, this.management]) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${tableLogicalId}.Arn>/index/*]`,
          reason:
            'Queries on the global secondary indexes of this one table: the wildcard stands for its index names.',
        });
      }
    }

    this.api = new WebhookApi(this, 'Api', {
      webhookFunction: this.webhook.function,
      managementFunction: this.management.function,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
      logRetention: settings.logRetentionDays,
      logRemovalPolicy,
      ...(settings.domainName && settings.certificateArn
        ? { customDomain: { domainName: settings.domainName, certificateArn: settings.certificateArn } }
        : {}),
    });

    const functions: DashboardFunction[] = [
      { label: 'Webhook', function: this.webhook.function, logGroup: this.webhook.logGroup },
      { label: 'Management', function: this.management.function, logGroup: this.management.logGroup },
    ];
    const dashboard = createDashboard(this, 'Dashboard', {
      dashboardName: this.stackName,
      serviceName: webhookServiceName,
      functionMemoryMiB: sizing.memoryMiB,
      api: this.api.httpApi,
      functions,
      table,
    });
    new ResponderAlarms(this, 'Alarms', {
      serviceName: webhookServiceName,
      terminationsThreshold: settings.terminationsAlarmThreshold,
      api: this.api.httpApi,
      functions,
      table,
      ...(settings.alarmTopicArn
        ? { topic: Topic.fromTopicArn(this, 'AlarmTopic', settings.alarmTopicArn) }
        : {}),
    });

    new CfnOutput(this, 'WebhookBaseUrl', {
      value: this.api.baseUrl,
      description: 'Public webhooks: <this URL><namespace>/<path>',
    });
    new CfnOutput(this, 'ManagementUrl', {
      value: `${this.api.baseUrl}api`,
      description: 'The management API (Authorization: Bearer <API key>)',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: `${this.api.baseUrl}api/console`,
      description: 'The web console (sign in with an API key)',
    });
    new CfnOutput(this, 'TableName', { value: table.tableName, description: 'For `npm run keys`' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${Aws.REGION}#dashboards/dashboard/${dashboard.dashboardName}`,
    });
    if (this.api.domain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.api.domain.regionalDomainName,
        description: `Point a CNAME (or an alias) for ${settings.domainName} here`,
      });
    }
  }
}
