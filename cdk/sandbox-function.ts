// A Lambda function that runs the QuickJS sandbox: ESM bundle, worker bundle and WebAssembly side by side.
import path from 'node:path';
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { envNames } from '../lib/config/names.ts';
import { metricsNamespace } from '../lib/metrics/names.ts';
import { bundleSettings, sandboxAssetCommands } from './bundle.ts';
import type { FunctionSizing } from './function-sizing.ts';

export const functionRuntime = Runtime.NODEJS_22_X;

/** Some actions on the items whose partition key matches one of `leadingKeys` (IAM `StringLike` patterns). */
export interface TableAccess {
  readonly actions: readonly string[];
  readonly leadingKeys: readonly string[];
}

export interface SandboxFunctionProps {
  /** The handler module (exports `handler`), absolute path under `projectRoot`. */
  readonly entry: string;
  /** The sandbox worker module, absolute path under `projectRoot`. */
  readonly sandboxWorkerEntry: string;
  /** Where package-lock.json and node_modules are. */
  readonly projectRoot: string;
  readonly description: string;
  readonly serviceName: string;
  readonly table: ITableV2;
  /** The DynamoDB actions this function needs, on the items it needs, nothing more. */
  readonly tableAccess: readonly TableAccess[];
  /** Queries may then also go to the table's indexes. */
  readonly tableHasIndexes: boolean;
  readonly sizing: FunctionSizing;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly environment?: Readonly<Record<string, string>>;
  /** More files to put beside the handler after bundling, as shell commands (the management function's console). */
  readonly extraAssetCommands?: (inputDir: string, outputDir: string) => string[];
}

export class SandboxFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: SandboxFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    // An own role instead of the AWSLambdaBasicExecutionRole managed policy: it may write to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description}: writes its own logs and reads and writes the responders table`,
    });
    this.logGroup.grantWrite(this.role);
    for (const access of props.tableAccess) {
      this.role.addToPolicy(
        new PolicyStatement({
          actions: [...access.actions],
          resources: [
            props.table.tableArn,
            ...(props.tableHasIndexes ? [`${props.table.tableArn}/index/*`] : []),
          ],
          conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.leadingKeys] } },
        }),
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      runtime: functionRuntime,
      architecture: Architecture.ARM_64,
      memorySize: props.sizing.memoryMiB,
      timeout: Duration.seconds(props.sizing.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        [envNames.tableName]: props.table.tableName,
        [envNames.powertoolsServiceName]: props.serviceName,
        [envNames.powertoolsMetricsNamespace]: metricsNamespace,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        ...bundleSettings,
        mainFields: [...bundleSettings.mainFields],
        // The SDK in the bundle is the one package-lock.json pins, not whatever the runtime ships this month.
        bundleAwsSDK: true,
        logLevel: LogLevel.WARNING,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            ...sandboxAssetCommands(
              inputDir,
              outputDir,
              path.relative(props.projectRoot, props.sandboxWorkerEntry),
            ),
            ...(props.extraAssetCommands?.(inputDir, outputDir) ?? []),
          ],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the LTS line the bundles target and the sandbox (worker threads, WebAssembly memory limits) ' +
        'is tested on; moving to Node.js 24 is a one-line change once it is tested there too.',
    });
  }
}
