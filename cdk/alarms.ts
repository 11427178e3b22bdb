// Alarms an operator should hear about, all sent to one optional SNS topic.
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { scriptOutcomeMetric } from '../lib/metrics/names.ts';
import type { DashboardFunction } from './dashboard.ts';
import { productMetric } from './dashboard.ts';

const period = Duration.minutes(5);

/** Outcomes where the host had to stop a script; a run of them means abuse or caps set too tight. */
const terminationOutcomes = ['timeout', 'memory', 'stack'] as const;

/** Below this many requests in a period a few script errors are noise, not a 5xx rate. */
const api5xxMinimumRequests = 20;
const api5xxPercentThreshold = 5;

export interface ResponderAlarmsProps {
  readonly serviceName: string;
  readonly terminationsThreshold: number;
  readonly api: HttpApi;
  readonly functions: readonly DashboardFunction[];
  readonly table: ITableV2;
  readonly topic?: ITopic;
}

export class ResponderAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ResponderAlarmsProps) {
    super(scope, id);
    const terminations = Object.fromEntries(
      terminationOutcomes.map((outcome) => [
        outcome,
        productMetric(props.serviceName, scriptOutcomeMetric(outcome), 'Sum').with({ period }),
      ]),
    );
    this.add('ScriptTerminations', {
      metric: new MathExpression({
        expression: terminationOutcomes.join(' + '),
        usingMetrics: terminations,
        period,
      }),
      threshold: props.terminationsThreshold,
      description: `At least ${props.terminationsThreshold} scripts stopped for time, memory or stack in 5 minutes.`,
    });

    this.add('Api5xxRate', {
      metric: new MathExpression({
        expression: `IF(requests >= ${api5xxMinimumRequests}, 100 * errors / requests, 0)`,
        usingMetrics: {
          requests: props.api.metricCount({ period, statistic: 'Sum' }),
          errors: props.api.metricServerError({ period, statistic: 'Sum' }),
        },
        period,
        label: 'API 5xx (%)',
      }),
      threshold: api5xxPercentThreshold,
      description: `At least ${api5xxPercentThreshold}% of API requests answered 5xx in 5 minutes (script faults included).`,
    });

    for (const entry of props.functions) {
      this.add(`${entry.label}Errors`, {
        metric: entry.function.metricErrors({ period }),
        threshold: 1,
        description: `The ${entry.label} handler failed (a host fault: script faults are answers, not errors).`,
      });
      this.add(`${entry.label}Throttles`, {
        metric: entry.function.metricThrottles({ period }),
        threshold: 1,
        description: `Lambda throttled the ${entry.label} function: concurrency quota reached.`,
      });
    }

    this.add('TableThrottles', {
      metric: new MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: props.table.metric('ReadThrottleEvents', { period, statistic: 'Sum' }),
          writes: props.table.metric('WriteThrottleEvents', { period, statistic: 'Sum' }),
        },
        period,
      }),
      threshold: 1,
      description: 'DynamoDB throttled reads or writes of the responders table.',
    });

    if (props.topic) {
      const action = new SnsAction(props.topic);
      for (const alarm of this.alarms) alarm.addAlarmAction(action);
    }
  }

  private add(id: string, options: { metric: IMetric; threshold: number; description: string }): void {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    this.alarms.push(alarm);
  }
}
