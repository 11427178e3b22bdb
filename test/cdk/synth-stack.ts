// Builds the stack for tests: fixture entries, and no bundling unless a test asks for it.
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type StackSettings, settingsFromContext } from '../../cdk/settings.ts';
import { type BundleEntries, WebhookRespondersStack } from '../../cdk/stack.ts';
import type { TableSchema } from '../../cdk/table-schema.ts';

const fixtures = path.join(import.meta.dirname, 'fixtures');

export const fixtureEntries: BundleEntries = {
  webhook: path.join(fixtures, 'handler.ts'),
  management: path.join(fixtures, 'handler.ts'),
  sandboxWorker: path.join(fixtures, 'worker.ts'),
};

export interface TestStackOptions {
  readonly context?: Record<string, unknown>;
  readonly bundle?: boolean;
  readonly outdir?: string;
  readonly tableSchema?: TableSchema;
  /** The modules to bundle; the fixtures unless given. */
  readonly entries?: BundleEntries;
  /** CDK's own CloudFormation schema check: right for the app, but 4 s of loading per test process. */
  readonly cloudFormationValidation?: boolean;
}

export function buildTestStack(options: TestStackOptions = {}): { app: App; stack: WebhookRespondersStack } {
  const app = new App({
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
  const settings: StackSettings = settingsFromContext((key) => app.node.tryGetContext(key));
  const stack = new WebhookRespondersStack(app, settings.stackName, {
    settings,
    entries: options.entries ?? fixtureEntries,
    ...(options.tableSchema === undefined ? {} : { tableSchema: options.tableSchema }),
  });
  return { app, stack };
}

export function synthTemplate(options: TestStackOptions = {}): Template {
  return Template.fromStack(buildTestStack(options).stack);
}

/** The dashboard body as JSON, with every CloudFormation token (Ref, GetAtt) in it replaced by `<token>`. */
export function dashboardBody(template: Template): DashboardJson {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboards[0]?.Properties?.DashboardBody;
  const parts: unknown[] = body?.['Fn::Join']?.[1] ?? [];
  return JSON.parse(
    parts.map((part) => (typeof part === 'string' ? part : '<token>')).join(''),
  ) as DashboardJson;
}

export interface DashboardWidgetJson {
  readonly type: string;
  readonly properties: {
    readonly title: string;
    readonly stacked?: boolean;
    readonly metrics?: unknown[][];
    readonly query?: string;
    readonly annotations?: { horizontal?: { value: number; label?: string }[] };
  };
}

export interface DashboardJson {
  readonly widgets: DashboardWidgetJson[];
}
