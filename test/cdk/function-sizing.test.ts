import { describe, expect, it } from 'vitest';
import { functionSizing } from '../../cdk/function-sizing.ts';

const MiB = 1024 * 1024;

describe('function sizing from the sandbox caps', () => {
  it('gives the deployed caps (64 MiB, 25 s) 1024 MB and 29 s', () => {
    expect(functionSizing()).toEqual({ memoryMiB: 1024, timeoutSeconds: 29 });
  });

  it('grows the memory with a larger sandbox memory cap', () => {
    const sizing = functionSizing({ memoryBytes: 512 * MiB, deadlineMs: 10_000 });
    expect(sizing.memoryMiB).toBeGreaterThanOrEqual(128 + 2 * 512);
    expect(sizing.timeoutSeconds).toBe(14);
  });

  it('refuses a deadline cap that leaves the function no time under API Gateway’s 30 s', () => {
    expect(() => functionSizing({ memoryBytes: 64 * MiB, deadlineMs: 27_000 })).toThrow(
      /30000 ms integration timeout/,
    );
  });
});
