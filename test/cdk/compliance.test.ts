import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { afterAll, describe, expect, it } from 'vitest';
import { addComplianceChecks } from '../../cdk/compliance.ts';
import { buildTestStack, type TestStackOptions } from './synth-stack.ts';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function checkedApp(options: TestStackOptions = {}) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-nag-'));
  outdirs.push(outdir);
  const built = buildTestStack({ ...options, outdir, cloudFormationValidation: true });
  addComplianceChecks(built.app);
  return { ...built, outdir };
}

/** Synthesises and returns what every validation plugin (cdk-nag, CloudFormation schema) reported. */
function synthReports(options: TestStackOptions = {}): unknown[] {
  const { app, outdir } = checkedApp(options);
  app.synth();
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports;
}

const everySetting = {
  domainName: 'hooks.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
  alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
  retainData: 'false',
};

// Each test synthesizes a whole stack: seconds when quiet, beyond the default 20 s on a loaded machine.
describe('cdk-nag AWS Solutions checks', { timeout: 120_000 }, () => {
  // The first synth of the file also loads cdk-nag and the CloudFormation schemas: 17-23 s on 2 cores.
  it('report nothing unacknowledged in the default stack', () => {
    expect(synthReports()).toEqual([]);
  }, 60_000);

  it('report nothing unacknowledged with a custom domain, an alarm topic and a throwaway table', () => {
    expect(synthReports({ context: everySetting })).toEqual([]);
  });

  it('report nothing unacknowledged when the table has secondary indexes', () => {
    const tableSchema = {
      partitionKey: 'pk',
      sortKey: 'sk',
      ttlAttribute: 'expiresAt',
      indexes: [{ name: 'byLocation', partitionKey: 'gsi1pk' }],
    };
    expect(synthReports({ tableSchema })).toEqual([]);
  });

  it('do run: an unencrypted-transport topic added to the stack fails the synth', () => {
    const { app, stack } = checkedApp();
    new Topic(stack, 'CarelessTopic');
    expect(() => app.synth()).toThrow(/AwsSolutions-SNS3/);
  });

  it('carry a reason with every acknowledgement', () => {
    const { app } = checkedApp({ context: everySetting });
    const acknowledgements = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledgements.map(([id]) => id).sort()).toEqual([
      expect.stringContaining('AwsSolutions-APIG4'),
      expect.stringContaining('AwsSolutions-L1'),
      expect.stringContaining('AwsSolutions-L1'),
    ]);
    for (const [, reason] of acknowledgements) expect(reason.length).toBeGreaterThan(60);
  });
});
