import { describe, expect, it } from 'vitest';
import { metricNames, metricsNamespace, scriptOutcomeMetric } from '../../lib/metrics/names.ts';
import { scriptOutcomes } from '../../lib/sandbox/types.ts';

describe('metric names', () => {
  it('uses the namespace and names of SPEC §6', () => {
    expect(metricsNamespace).toBe('WebhookResponders');
    expect(metricNames.scriptExecutionTime).toBe('ScriptExecutionTime');
    expect(metricNames.sandboxRecycled).toBe('SandboxRecycled');
  });

  it('names one outcome metric per script outcome', () => {
    expect(scriptOutcomes.map(scriptOutcomeMetric)).toEqual([
      'ScriptOutcome_ok',
      'ScriptOutcome_timeout',
      'ScriptOutcome_memory',
      'ScriptOutcome_stack',
      'ScriptOutcome_syntax',
      'ScriptOutcome_error',
      'ScriptOutcome_invalid',
      'ScriptOutcome_unsettled',
    ]);
  });
});
