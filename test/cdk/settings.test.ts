import { describe, expect, it } from 'vitest';
import { settingsFromContext } from '../../cdk/settings.ts';

const fromContext = (context: Record<string, unknown>) => settingsFromContext((key) => context[key]);

describe('deployment settings from CDK context', () => {
  it('default to a retained stack named WebhookResponders throttled at 100/s, burst 200, logs kept 30 days', () => {
    expect(fromContext({})).toEqual({
      stackName: 'WebhookResponders',
      throttleRateLimit: 100,
      throttleBurstLimit: 200,
      retainData: true,
      logRetentionDays: 30,
      terminationsAlarmThreshold: 10,
    });
  });

  it('accept the strings `cdk -c key=value` passes', () => {
    expect(
      fromContext({
        stackName: 'Hooks-dev',
        throttleRateLimit: '12.5',
        throttleBurstLimit: '40',
        retainData: 'false',
        logRetentionDays: '7',
        terminationsAlarmThreshold: '3',
        definitionCacheTtlMs: '0',
      }),
    ).toEqual({
      stackName: 'Hooks-dev',
      throttleRateLimit: 12.5,
      throttleBurstLimit: 40,
      retainData: false,
      logRetentionDays: 7,
      terminationsAlarmThreshold: 3,
      definitionCacheTtlMs: 0,
    });
  });

  it('accept a custom domain with its certificate and an alarm topic', () => {
    const settings = fromContext({
      domainName: 'hooks.example.com',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
    });
    expect(settings.domainName).toBe('hooks.example.com');
    expect(settings.alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:ops');
  });

  it.each([
    [{ stackName: 'my_stack' }, 'stackName'],
    [{ throttleRateLimit: '-1' }, 'throttleRateLimit'],
    [{ throttleRateLimit: 'fast' }, 'throttleRateLimit'],
    [{ throttleBurstLimit: '2.5' }, 'throttleBurstLimit'],
    [{ retainData: 'yes' }, 'retainData'],
    [{ logRetentionDays: '8' }, 'logRetentionDays'],
    [{ alarmTopicArn: 'ops-topic' }, 'alarmTopicArn'],
    [{ terminationsAlarmThreshold: '0' }, 'terminationsAlarmThreshold'],
    [{ definitionCacheTtlMs: '-5' }, 'definitionCacheTtlMs'],
    [
      {
        domainName: 'Hooks.Example.com',
        certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/ab',
      },
      'domainName',
    ],
    [{ domainName: 'hooks.example.com' }, 'certificateArn'],
    [{ certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/ab' }, 'certificateArn'],
  ])('reject %j with a message naming %s', (context, key) => {
    expect(() => fromContext(context)).toThrow(new RegExp(`Invalid deployment settings.*${key}:`));
  });
});
