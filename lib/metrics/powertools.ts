// The process's Powertools Metrics and Logger, built once here and imported where needed.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { metricsNamespace, serviceDimension } from './names.ts';

export const serviceName = process.env.POWERTOOLS_SERVICE_NAME || 'webhook-responders';

export const metrics = new Metrics({ namespace: metricsNamespace, serviceName });
// Powertools names its default dimension `service`; docs/contract.md §6 (and the dashboard) use `Service`.
metrics.clearDefaultDimensions();
metrics.setDefaultDimensions({ [serviceDimension]: serviceName });

export const logger = new Logger({ serviceName });
