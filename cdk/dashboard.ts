// The operations dashboard: the seed's three sandbox views first, then API, Lambda and DynamoDB health.
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Color,
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  Metric,
  Shading,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  metricNames,
  metricsNamespace,
  scriptOutcomeMetric,
  serviceDimension,
} from '../lib/metrics/names.ts';
import { answerOutcomes } from '../lib/responders/outcomes.ts';

/** The seed's "red zone" on the execution time view: scripts slower than this deserve a look (docs/contract.md §6). */
const scriptTimeRedZoneMs = 5;

const period = Duration.minutes(1);
const width = 12;
const height = 6;

export interface DashboardFunction {
  readonly label: string;
  readonly function: IFunction;
  readonly logGroup: ILogGroup;
}

export interface ResponderDashboardProps {
  readonly dashboardName: string;
  /** The `Service` dimension the webhook function's metrics carry (its POWERTOOLS_SERVICE_NAME). */
  readonly serviceName: string;
  readonly functionMemoryMiB: number;
  readonly api: HttpApi;
  readonly functions: readonly DashboardFunction[];
  readonly table: ITableV2;
}

/** A metric the webhook function emits (docs/contract.md §6). */
export function productMetric(
  serviceName: string,
  metricName: string,
  statistic: string,
  label?: string,
): Metric {
  return new Metric({
    namespace: metricsNamespace,
    metricName,
    dimensionsMap: { [serviceDimension]: serviceName },
    statistic,
    period,
    ...(label === undefined ? {} : { label }),
  });
}

export function createDashboard(scope: Construct, id: string, props: ResponderDashboardProps): Dashboard {
  const { serviceName } = props;
  const metric = (name: string, statistic: string, label?: string) =>
    productMetric(serviceName, name, statistic, label);
  const perFunction = (toMetric: (fn: IFunction, label: string) => IMetric) =>
    props.functions.map((entry) => toMetric(entry.function, entry.label));

  const scriptTime = new GraphWidget({
    title: 'Script execution time (ms)',
    left: ['p50', 'p90', 'p99', 'Maximum'].map((statistic) =>
      metric(metricNames.scriptExecutionTime, statistic, statistic === 'Maximum' ? 'max' : statistic),
    ),
    leftAnnotations: [
      {
        value: scriptTimeRedZoneMs,
        label: `red zone: ${scriptTimeRedZoneMs} ms`,
        color: Color.RED,
        fill: Shading.ABOVE,
      },
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const terminations = new GraphWidget({
    title: 'Script terminations and crashes',
    stacked: true,
    left: [
      // The script faults, then the answers the circuit breaker gave instead of running a failing script.
      ...answerOutcomes
        .filter((outcome) => outcome !== 'ok')
        .map((outcome) => metric(scriptOutcomeMetric(outcome), 'Sum', outcome)),
      metric(metricNames.sandboxRecycled, 'Sum', 'sandbox recycled'),
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const memory = new GraphWidget({
    title: 'Memory (bytes)',
    left: [
      metric(metricNames.processMemoryRss, 'Maximum', 'process RSS (max)'),
      metric(metricNames.scriptMemoryUsed, 'Maximum', 'script memory (max)'),
    ],
    leftAnnotations: [
      { value: props.functionMemoryMiB * 1024 * 1024, label: 'function memory size', color: Color.RED },
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  // Lambda publishes its memory high-water mark only in the REPORT log line, not as a metric.
  const lambdaMemory = new LogQueryWidget({
    title: 'Lambda max memory used (MB)',
    logGroupNames: props.functions.map((entry) => entry.logGroup.logGroupName),
    queryLines: [
      'filter @type = "REPORT"',
      'stats max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB, max(@memorySize / 1000 / 1000) as memorySizeMB by bin(5m)',
    ],
    view: LogQueryVisualizationType.LINE,
    width,
    height,
  });

  const requests = new GraphWidget({
    title: 'Requests and latency',
    left: [props.api.metricCount({ period, statistic: 'Sum', label: 'requests' })],
    right: [
      props.api.metricLatency({ period, statistic: 'p50', label: 'API latency p50' }),
      props.api.metricLatency({ period, statistic: 'p99', label: 'API latency p99' }),
      metric(metricNames.requestLatency, 'p99', 'handler latency p99'),
    ],
    leftYAxis: { min: 0, showUnits: false },
    rightYAxis: { min: 0, label: 'ms', showUnits: false },
    width,
    height,
  });

  const apiErrors = new GraphWidget({
    title: 'API 4xx and 5xx',
    left: [
      props.api.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
      props.api.metricServerError({ period, statistic: 'Sum', label: '5xx' }),
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const lambdaFaults = new GraphWidget({
    title: 'Lambda errors and throttles',
    left: [
      ...perFunction((fn, label) => fn.metricErrors({ period, label: `${label} errors` })),
      ...perFunction((fn, label) => fn.metricThrottles({ period, label: `${label} throttles` })),
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const lambdaDuration = new GraphWidget({
    title: 'Lambda duration (ms)',
    left: ['p50', 'p99', 'Maximum'].flatMap((statistic) =>
      perFunction((fn, label) => fn.metricDuration({ period, statistic, label: `${label} ${statistic}` })),
    ),
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const tableThrottles = new GraphWidget({
    title: 'DynamoDB throttles',
    left: [
      props.table.metric('ReadThrottleEvents', { period, statistic: 'Sum', label: 'read throttles' }),
      props.table.metric('WriteThrottleEvents', { period, statistic: 'Sum', label: 'write throttles' }),
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const lookups = new GraphWidget({
    title: 'Responder lookups and store faults',
    left: [
      metric(metricNames.definitionCacheHit, 'Sum', 'cache hit'),
      metric(metricNames.definitionCacheMiss, 'Sum', 'cache miss'),
      metric(metricNames.responderNotFound, 'Sum', 'not found'),
      metric(metricNames.historyWriteFailed, 'Sum', 'history write failed'),
      metric(metricNames.storeUnavailable, 'Sum', 'store unavailable'),
    ],
    leftYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  const upstream = new GraphWidget({
    title: "Scripts' upstream calls",
    left: [
      metric(metricNames.upstreamRequests, 'Sum', 'calls'),
      metric(metricNames.upstreamErrors, 'Sum', 'failed (refused, timed out, unreachable)'),
    ],
    right: ['p50', 'p99'].map((statistic) =>
      metric(metricNames.upstreamLatency, statistic, `latency ${statistic} (ms)`),
    ),
    leftYAxis: { min: 0, showUnits: false },
    rightYAxis: { min: 0, showUnits: false },
    width,
    height,
  });

  return new Dashboard(scope, id, {
    dashboardName: props.dashboardName,
    defaultInterval: Duration.hours(3),
    widgets: [
      [scriptTime, terminations],
      [memory, lambdaMemory],
      [requests, apiErrors],
      [lambdaFaults, lambdaDuration],
      [tableThrottles, lookups],
      [upstream],
    ],
  });
}
