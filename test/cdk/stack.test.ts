import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableItemActions } from '../../cdk/stack.ts';
import { deploymentCaps } from '../../lib/limits.ts';
import {
  metricNames,
  metricsNamespace,
  scriptOutcomeMetric,
  serviceDimension,
} from '../../lib/metrics/names.ts';
import { buildTestStack, dashboardBody, synthTemplate } from './synth-stack.ts';

const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab';
const alarmTopicArn = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';

/** The one resource of a type, by logical id. */
function onlyResource(template: Template, type: string): [string, { Properties: Record<string, unknown> }] {
  const found = Object.entries(template.findResources(type));
  expect(found).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> }];
}

function logicalIdOf(template: Template, type: string, properties: Record<string, unknown>): string {
  const found = Object.keys(template.findResources(type, { Properties: properties }));
  expect(found).toHaveLength(1);
  return found[0] as string;
}

describe('the stack with default settings', () => {
  let template: Template;
  beforeAll(() => {
    template = synthTemplate();
  });

  describe('table', () => {
    it('is one on-demand DynamoDB table keyed pk/sk with TTL on expiresAt and point-in-time recovery', () => {
      onlyResource(template, 'AWS::DynamoDB::GlobalTable');
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
        GlobalSecondaryIndexes: Match.absent(),
      });
    });

    it('survives a stack deletion and a replacement', () => {
      template.hasResource('AWS::DynamoDB::GlobalTable', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });
  });

  describe('functions', () => {
    it('are exactly the webhook and management functions: no helper functions sneak in', () => {
      template.resourceCountIs('AWS::Lambda::Function', 2);
    });

    it.each([
      ['webhook', 'WebhookResponders-webhook'],
      ['management', 'WebhookResponders-management'],
    ])(
      '%s: ARM64, Node.js 22, ESM handler with source maps, Powertools environment',
      (_name, serviceName) => {
        template.hasResourceProperties('AWS::Lambda::Function', {
          Architectures: ['arm64'],
          Runtime: 'nodejs22.x',
          Handler: 'index.handler',
          Environment: {
            Variables: {
              TABLE_NAME: { Ref: logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', {}) },
              POWERTOOLS_SERVICE_NAME: serviceName,
              POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
            },
          },
        });
      },
    );

    it('time out after the largest script deadline but before API Gateway gives up at 30 s', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      for (const fn of functions) {
        const timeoutSeconds = fn.Properties.Timeout as number;
        expect(timeoutSeconds * 1000).toBeGreaterThan(deploymentCaps.deadlineMs);
        expect(timeoutSeconds).toBeLessThan(30);
      }
    });

    it('have 1024 MB: room for a 64 MiB sandbox twice over, and CPU for scripts', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      expect(functions.map((fn) => fn.Properties.MemorySize)).toEqual([1024, 1024]);
    });

    it('do not set the cache TTL unless asked', () => {
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      for (const fn of functions) {
        expect(fn.Properties.Environment.Variables.DEFINITION_CACHE_TTL_MS).toBeUndefined();
      }
    });

    it('log to their own log groups, kept 30 days and retained with the stack', () => {
      const logGroups = template.findResources('AWS::Logs::LogGroup');
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        expect(logGroups[logGroupId]).toMatchObject({
          Properties: { RetentionInDays: 30 },
          DeletionPolicy: 'Retain',
        });
      }
    });

    it('get item reads and writes on the table only, each on the partitions it needs: no Scan, no key writes', () => {
      const tableId = logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', {});
      const policies = template.findResources('AWS::IAM::Policy');
      expect(Object.keys(policies)).toHaveLength(2);
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      const dynamoStatementsOf = (description: string) => {
        const fn = functions.find((candidate) => candidate.Properties.Description.includes(description));
        const roleId = fn?.Properties.Role['Fn::GetAtt'][0] as string;
        const policy = Object.values(policies).find(
          (candidate) => candidate.Properties.Roles[0].Ref === roleId,
        );
        const statements = policy?.Properties.PolicyDocument.Statement as { Action: string[] | string }[];
        expect(JSON.stringify(statements)).not.toContain('dynamodb:Scan');
        expect(JSON.stringify(statements)).not.toContain('"*"');
        return statements.filter((statement) =>
          [statement.Action].flat().some((a) => a.startsWith('dynamodb:')),
        );
      };
      const onPartitions = (Action: string[] | string, leadingKeys: string[]) => ({
        Action,
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
      });
      expect(dynamoStatementsOf('public webhook traffic')).toEqual([
        onPartitions(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], ['NS#*']),
        onPartitions(['dynamodb:UpdateItem', 'dynamodb:PutItem'], ['HIST#*']),
      ]);
      expect(dynamoStatementsOf('management API')).toEqual([
        onPartitions([...tableItemActions], ['NS#*', 'HIST#*']),
        onPartitions('dynamodb:GetItem', ['KEY#*']),
      ]);
      for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    });

    it('get the secrets key: the webhook function Decrypt only, the management function Encrypt and Decrypt', () => {
      const [keyId, key] = onlyResource(template, 'AWS::KMS::Key');
      expect(key.Properties.EnableKeyRotation).toBe(true);
      const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };
      const policies = Object.values(template.findResources('AWS::IAM::Policy'));
      const functions = Object.values(template.findResources('AWS::Lambda::Function'));
      const kmsOf = (description: string) => {
        const fn = functions.find((candidate) => candidate.Properties.Description.includes(description));
        expect(fn?.Properties.Environment.Variables.SECRETS_KMS_KEY_ID).toEqual(keyArn);
        const roleId = fn?.Properties.Role['Fn::GetAtt'][0] as string;
        const policy = policies.find((candidate) => candidate.Properties.Roles[0].Ref === roleId);
        const statements = policy?.Properties.PolicyDocument.Statement as { Action: string[] | string }[];
        return statements.filter((statement) => [statement.Action].flat().some((a) => a.startsWith('kms:')));
      };
      expect(kmsOf('public webhook traffic')).toEqual([
        { Action: 'kms:Decrypt', Effect: 'Allow', Resource: keyArn },
      ]);
      expect(kmsOf('management API')).toEqual([
        { Action: ['kms:Encrypt', 'kms:Decrypt'], Effect: 'Allow', Resource: keyArn },
      ]);
    });

    it('may write logs to their own log group only', () => {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
        const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref as string;
        template.hasResourceProperties('AWS::IAM::Policy', {
          Roles: [{ Ref: roleId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              {
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Effect: 'Allow',
                Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
              },
            ]),
          },
        });
      }
    });
  });

  describe('HTTP API', () => {
    function functionBehindRoute(routeKey: string): string {
      const [, route] = Object.entries(
        template.findResources('AWS::ApiGatewayV2::Route', {
          Properties: { RouteKey: routeKey },
        }),
      )[0] ?? ['', undefined];
      const integrationId = route?.Properties.Target['Fn::Join'][1][1].Ref as string;
      const integration = template.findResources('AWS::ApiGatewayV2::Integration')[integrationId];
      const functionId = integration?.Properties.IntegrationUri['Fn::GetAtt'][0] as string;
      return template.findResources('AWS::Lambda::Function')[functionId]?.Properties.Environment.Variables
        .POWERTOOLS_SERVICE_NAME as string;
    }

    it('is an HTTP API with CORS off', () => {
      onlyResource(template, 'AWS::ApiGatewayV2::Api');
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.absent(),
      });
    });

    it('sends /api and /api/{proxy+} to the management function and everything else to the webhook function', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::Route', 3);
      expect(functionBehindRoute('ANY /api')).toBe('WebhookResponders-management');
      expect(functionBehindRoute('ANY /api/{proxy+}')).toBe('WebhookResponders-management');
      expect(functionBehindRoute('$default')).toBe('WebhookResponders-webhook');
    });

    it('passes events in payload format 2.0', () => {
      const integrations = Object.values(template.findResources('AWS::ApiGatewayV2::Integration'));
      expect(integrations.map((i) => i.Properties.PayloadFormatVersion)).toEqual(['2.0', '2.0']);
    });

    it('serves one auto-deployed $default stage, throttled at 100 requests/s with bursts of 200', () => {
      onlyResource(template, 'AWS::ApiGatewayV2::Stage');
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 },
      });
    });

    it('logs each request as JSON without the query string, to a log group with retention', () => {
      const [, stage] = onlyResource(template, 'AWS::ApiGatewayV2::Stage');
      const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
      const logGroupId = (settings.DestinationArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] as string;
      expect(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
      const format = JSON.parse(settings.Format) as Record<string, string>;
      expect(format.requestId).toBe('$context.requestId');
      expect(format.status).toBe('$context.status');
      expect(settings.Format).not.toMatch(/querystring|rawQuery|header/i);
    });

    it('has no custom domain unless one is configured', () => {
      template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
      template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 0);
    });
  });

  describe('dashboard', () => {
    const webhookService = [serviceDimension, 'WebhookResponders-webhook'];
    const widget = (title: string) => {
      const found = dashboardBody(template).widgets.find((w) => w.properties.title === title);
      expect(found, `widget "${title}"`).toBeDefined();
      return found?.properties ?? { title };
    };

    it('is one dashboard named after the stack', () => {
      onlyResource(template, 'AWS::CloudWatch::Dashboard');
      template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'WebhookResponders' });
    });

    it('starts with the seed three views: execution time, terminations and crashes, memory', () => {
      const titles = dashboardBody(template).widgets.map((w) => w.properties.title);
      expect(titles.slice(0, 4)).toEqual([
        'Script execution time (ms)',
        'Script terminations and crashes',
        'Memory (bytes)',
        'Lambda max memory used (MB)',
      ]);
    });

    it('draws script execution time p50, p90, p99 and max with the 5 ms red zone marked', () => {
      const properties = widget('Script execution time (ms)');
      expect(properties.metrics).toEqual(
        ['p50', 'p90', 'p99', 'Maximum'].map((stat) => [
          metricsNamespace,
          metricNames.scriptExecutionTime,
          ...webhookService,
          expect.objectContaining({ stat }),
        ]),
      );
      expect(properties.annotations?.horizontal).toEqual([expect.objectContaining({ value: 5 })]);
    });

    it('stacks every failed outcome, the circuit breaker answers and the sandbox recycles', () => {
      const properties = widget('Script terminations and crashes');
      expect(properties.stacked).toBe(true);
      const names = properties.metrics?.map((metric) => metric[1]);
      expect(names).toEqual([
        ...['timeout', 'memory', 'stack', 'syntax', 'error', 'invalid', 'unsettled', 'breaker'].map(
          (outcome) => scriptOutcomeMetric(outcome as Parameters<typeof scriptOutcomeMetric>[0]),
        ),
        metricNames.sandboxRecycled,
      ]);
      for (const metric of properties.metrics ?? []) {
        expect(metric.slice(0, 4)).toEqual([metricsNamespace, metric[1], ...webhookService]);
      }
    });

    it('shows process RSS next to Lambda max memory used from the REPORT lines', () => {
      const memory = widget('Memory (bytes)');
      expect(memory.metrics?.map((metric) => metric[1])).toContain(metricNames.processMemoryRss);
      expect(memory.annotations?.horizontal?.[0]?.value).toBe(1024 * 1024 * 1024);
      const lambdaMemory = widget('Lambda max memory used (MB)');
      expect(lambdaMemory.query).toContain('@maxMemoryUsed');
      expect(lambdaMemory.query).toContain('filter @type = "REPORT"');
    });

    it('has the API, Lambda and DynamoDB health views', () => {
      const metricNamesOf = (title: string) =>
        widget(title).metrics?.map((metric) => `${metric[0]}/${metric[1]}`);
      expect(metricNamesOf('Requests and latency')).toEqual(
        expect.arrayContaining(['AWS/ApiGateway/Count', 'AWS/ApiGateway/Latency']),
      );
      expect(metricNamesOf('API 4xx and 5xx')).toEqual(['AWS/ApiGateway/4xx', 'AWS/ApiGateway/5xx']);
      expect(metricNamesOf('Lambda errors and throttles')).toEqual([
        'AWS/Lambda/Errors',
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'AWS/Lambda/Throttles',
      ]);
      expect(metricNamesOf('Lambda duration (ms)')).toHaveLength(6);
      expect(metricNamesOf('DynamoDB throttles')).toEqual([
        'AWS/DynamoDB/ReadThrottleEvents',
        'AWS/DynamoDB/WriteThrottleEvents',
      ]);
    });

    it("shows the scripts' upstream calls, their failures and their latency from the webhook function", () => {
      const properties = widget("Scripts' upstream calls");
      expect(properties.metrics?.map((metric) => metric.slice(0, 4))).toEqual([
        [metricsNamespace, metricNames.upstreamRequests, ...webhookService],
        [metricsNamespace, metricNames.upstreamErrors, ...webhookService],
        [metricsNamespace, metricNames.upstreamLatency, ...webhookService],
        [metricsNamespace, metricNames.upstreamLatency, ...webhookService],
      ]);
    });
  });

  it('keeps the functions out of any VPC, so scripts reach upstreams over the network Lambda gives', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties?.VpcConfig).toBeUndefined();
    }
  });

  describe('alarms', () => {
    const alarm = (idPrefix: string) => {
      const found = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).find(([id]) =>
        id.startsWith(idPrefix),
      );
      expect(found, `alarm ${idPrefix}`).toBeDefined();
      return found?.[1].Properties ?? {};
    };

    it('are seven, none with an action when no topic is configured', () => {
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(7);
      for (const properties of alarms.map((a) => a.Properties)) {
        expect(properties.AlarmActions).toBeUndefined();
        expect(properties.TreatMissingData).toBe('notBreaching');
        expect(properties.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      }
    });

    it('fire on 10 script terminations (timeout, memory, stack) in 5 minutes', () => {
      const properties = alarm('AlarmsScriptTerminations');
      expect(properties.Threshold).toBe(10);
      expect(properties.Metrics).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ Expression: 'timeout + memory + stack', ReturnData: true }),
          ...['timeout', 'memory', 'stack'].map((outcome) =>
            expect.objectContaining({
              Id: outcome,
              MetricStat: {
                Metric: {
                  Namespace: metricsNamespace,
                  MetricName: `ScriptOutcome_${outcome}`,
                  Dimensions: [{ Name: serviceDimension, Value: 'WebhookResponders-webhook' }],
                },
                Period: 300,
                Stat: 'Sum',
              },
            }),
          ),
        ]),
      );
    });

    it('fire when 5% of API answers are 5xx', () => {
      const properties = alarm('AlarmsApi5xxRate');
      expect(properties.Threshold).toBe(5);
      const metrics = properties.Metrics as {
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string } };
      }[];
      expect(metrics.map((m) => m.MetricStat?.Metric.MetricName ?? m.Expression)).toEqual([
        expect.stringContaining('100 * errors / requests'),
        'Count',
        '5xx',
      ]);
    });

    it.each(['Webhook', 'Management'])('fire on any %s Lambda error or throttle', (label) => {
      expect(alarm(`Alarms${label}Errors`)).toMatchObject({
        MetricName: 'Errors',
        Threshold: 1,
        Statistic: 'Sum',
      });
      expect(alarm(`Alarms${label}Throttles`)).toMatchObject({
        MetricName: 'Throttles',
        Threshold: 1,
        Statistic: 'Sum',
      });
    });

    it('fire on any DynamoDB read or write throttle', () => {
      const properties = alarm('AlarmsTableThrottles');
      expect(properties.Threshold).toBe(1);
      expect(JSON.stringify(properties.Metrics)).toContain('ReadThrottleEvents');
      expect(JSON.stringify(properties.Metrics)).toContain('WriteThrottleEvents');
    });
  });

  it('outputs the webhook base URL, the management and console URLs, the table name and the dashboard URL', () => {
    const outputs = template.findOutputs('*');
    expect(Object.keys(outputs).sort()).toEqual([
      'ConsoleUrl',
      'DashboardUrl',
      'ManagementUrl',
      'TableName',
      'WebhookBaseUrl',
    ]);
    const apiId = logicalIdOf(template, 'AWS::ApiGatewayV2::Api', {});
    const joined = (name: string) => {
      const parts: unknown[] = outputs[name]?.Value['Fn::Join'][1] ?? [];
      return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
    };
    expect(joined('WebhookBaseUrl')).toBe(
      `https://{"Ref":"${apiId}"}.execute-api.{"Ref":"AWS::Region"}.{"Ref":"AWS::URLSuffix"}/`,
    );
    expect(joined('ManagementUrl')).toBe(`${joined('WebhookBaseUrl')}api`);
    expect(joined('ConsoleUrl')).toBe(`${joined('WebhookBaseUrl')}api/console`);
    expect(outputs.TableName?.Value).toEqual({
      Ref: logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', {}),
    });
    expect(joined('DashboardUrl')).toContain(
      'cloudwatch/home?region={"Ref":"AWS::Region"}#dashboards/dashboard/',
    );
  });

  it('synthesises the same template as last reviewed (asset hashes aside)', () => {
    const text = JSON.stringify(template.toJSON(), null, 2).replace(/[0-9a-f]{64}/g, '<asset-hash>');
    expect(text).toMatchSnapshot();
  });

  it('pins no account or region', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/\b\d{12}\b/);
    expect(text).not.toMatch(
      /\b(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast)-\d\b/,
    );
  });
});

describe('the stack with settings from context', () => {
  it('throttles the stage at the configured rate and burst', () => {
    const template = synthTemplate({ context: { throttleRateLimit: '25', throttleBurstLimit: '50' } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 25, ThrottlingBurstLimit: 50 },
    });
  });

  it('lets a throwaway stack delete its table and logs, with deletion protection off', () => {
    const template = synthTemplate({ context: { retainData: 'false', logRetentionDays: 7 } });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })],
    });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(3);
    for (const logGroup of logGroups) {
      expect(logGroup).toMatchObject({ DeletionPolicy: 'Delete', Properties: { RetentionInDays: 7 } });
    }
  });

  it('sends every alarm to the configured SNS topic and uses the configured termination threshold', () => {
    const template = synthTemplate({ context: { alarmTopicArn, terminationsAlarmThreshold: 3 } });
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([alarmTopicArn]);
    const terminations = alarms.find(([id]) => id.startsWith('AlarmsScriptTerminations'));
    expect(terminations?.[1].Properties.Threshold).toBe(3);
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('passes the definition cache TTL to the webhook function only', () => {
    const template = synthTemplate({ context: { definitionCacheTtlMs: '15000' } });
    const byService = Object.fromEntries(
      Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => [
        fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
        fn.Properties.Environment.Variables.DEFINITION_CACHE_TTL_MS,
      ]),
    );
    expect(byService).toEqual({
      'WebhookResponders-webhook': '15000',
      'WebhookResponders-management': undefined,
    });
  });

  it('names the stack, the dashboard and the metric service after the stackName setting', () => {
    const { stack } = buildTestStack({ context: { stackName: 'Hooks-dev' } });
    expect(stack.stackName).toBe('Hooks-dev');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Hooks-dev' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'Hooks-dev-webhook' }) },
    });
    expect(JSON.stringify(dashboardBody(template))).toContain('"Service","Hooks-dev-webhook"');
  });

  it('maps a custom domain with no path prefix, so the namespace stays the first segment', () => {
    const template = synthTemplate({ context: { domainName: 'hooks.example.com', certificateArn } });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'hooks.example.com',
      DomainNameConfigurations: [
        Match.objectLike({
          CertificateArn: certificateArn,
          EndpointType: 'REGIONAL',
          SecurityPolicy: 'TLS_1_2',
        }),
      ],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      DomainName: { Ref: Match.anyValue() },
      Stage: '$default',
      ApiMappingKey: Match.absent(),
    });
    const outputs = template.findOutputs('*');
    expect(outputs.WebhookBaseUrl?.Value).toBe('https://hooks.example.com/');
    expect(outputs.ManagementUrl?.Value).toBe('https://hooks.example.com/api');
    expect(outputs.ConsoleUrl?.Value).toBe('https://hooks.example.com/api/console');
    expect(outputs.CustomDomainTarget?.Value).toEqual({
      'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'],
    });
  });

  it('adds the store indexes to the table and lets both functions query them', () => {
    const template = synthTemplate({
      tableSchema: {
        partitionKey: 'pk',
        sortKey: 'sk',
        ttlAttribute: 'expiresAt',
        indexes: [{ name: 'byLocation', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
      },
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byLocation',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
        }),
      ],
    });
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('/index/*');
    }
  });
});
