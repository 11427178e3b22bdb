// The CDK app: `npx cdk synth` / `npx cdk deploy` run this (cdk.json). Settings come from context only.
import { App } from 'aws-cdk-lib';
import { addComplianceChecks } from './compliance.ts';
import { settingsFromContext } from './settings.ts';
import { WebhookRespondersStack } from './stack.ts';

const app = new App();
const settings = settingsFromContext((key) => app.node.tryGetContext(key));
// No account or region: the stack deploys wherever the CLI's credentials point, and synthesises without any.
new WebhookRespondersStack(app, settings.stackName, { settings });
addComplianceChecks(app);
