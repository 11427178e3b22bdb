// The HTTP API: `/api` and `/api/{proxy+}` to the management function, every other path to the webhook function.
import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
  type ThrottleSettings,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

export interface WebhookApiProps {
  readonly webhookFunction: IFunction;
  readonly managementFunction: IFunction;
  readonly throttle: Required<ThrottleSettings>;
  readonly customDomain?: CustomDomain;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/** One JSON line per request; no query string or headers, which may carry webhook secrets. */
const accessLogFormat = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    sourceIp: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export class WebhookApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly domain?: DomainName;
  /** Where webhooks go: `<baseUrl><namespace>/<path>`. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `${Stack.of(this).stackName}: public webhooks and the management API`,
      defaultIntegration: new HttpLambdaIntegration('Webhook', props.webhookFunction),
      // The stage below carries the throttling and access logs, which the generated default stage cannot.
      createDefaultStage: false,
    });
    const management = new HttpLambdaIntegration('Management', props.managementFunction);
    for (const path of ['/api', '/api/{proxy+}']) {
      this.httpApi.addRoutes({ path, methods: [HttpMethod.ANY], integration: management });
    }
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Webhooks are public by design: third parties call them without AWS credentials and scripts verify their ' +
        'signatures. The management API checks a hashed per-namespace bearer key in the function, because the key ' +
        'also decides which namespace the caller sees; a gateway authorizer could not do that without a second read.',
    });

    if (props.customDomain) {
      this.domain = new DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: SecurityPolicy.TLS_1_2,
      });
    }

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: accessLogFormat,
      },
      // No mapping key: the namespace stays the first path segment on the custom domain too.
      ...(this.domain ? { domainMapping: { domainName: this.domain } } : {}),
    });

    this.baseUrl = props.customDomain ? `https://${props.customDomain.domainName}/` : this.stage.url;
  }
}
