// The process's Powertools Metrics and Logger, built once here and imported where needed.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readLambdaEnvironment } from '../config/read.ts';
import { metricsNamespace, serviceDimension } from './names.ts';

export const { serviceName } = readLambdaEnvironment();

export const metrics = new Metrics({ namespace: metricsNamespace, serviceName });
// Powertools names its default dimension `service`; docs/contract.md §6 (and the dashboard) use `Service`.
metrics.clearDefaultDimensions();
metrics.setDefaultDimensions({ [serviceDimension]: serviceName });

export const logger = new Logger({ serviceName });
