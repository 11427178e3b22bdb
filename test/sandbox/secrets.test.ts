// `context.secrets` as a script sees it (docs/contract.md §3, §12): the secrets it was given, never enumerable.
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../lib/sandbox/index.ts';
import { scriptRun, text } from './fixtures.ts';

const sandbox = createSandbox({ poolSize: 1 });
afterAll(() => sandbox.close());

async function answer(script: string, secrets?: Record<string, string>): Promise<string> {
  const execution = await sandbox.run({ ...scriptRun(script), ...(secrets ? { secrets } : {}) });
  expect(execution.outcome, text(execution.body)).toBe('ok');
  return text(execution.body);
}

describe('context.secrets', () => {
  it('holds the secrets given, by name', async () => {
    expect(await answer('({ body: context.secrets.TOKEN })', { TOKEN: 's3cr3t-value' })).toBe('s3cr3t-value');
  });

  it('is {} when none are given', async () => {
    expect(await answer('({ body: JSON.stringify(context.secrets) })')).toBe('{}');
  });

  it('is left out of every echo of the context', async () => {
    const body = await answer(
      '({ body: JSON.stringify([JSON.stringify(context), Object.keys(context), { ...context }.secrets ?? null]) })',
      { TOKEN: 's3cr3t-value' },
    );
    expect(body).not.toContain('s3cr3t-value');
    expect(body).not.toContain('secrets');
  });

  it('is not seen by the next execution', async () => {
    await answer('({ body: context.secrets.TOKEN })', { TOKEN: 's3cr3t-value' });
    expect(await answer('({ body: JSON.stringify(context.secrets) })')).toBe('{}');
  });
});
