// The EMF records written to stdout while each test runs (the local server writes them as Lambda would), for
// suites that check a management call emits none. Lines still reach stdout; the list is emptied per test.
import { afterEach, beforeEach } from 'vitest';

export function useMetricRecords(): string[] {
  const records: string[] = [];
  let restore = () => {};
  beforeEach(() => {
    records.length = 0;
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      if (text.includes('"CloudWatchMetrics"')) records.push(text);
      return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
    }) as typeof process.stdout.write;
    restore = () => {
      process.stdout.write = write;
    };
  });
  afterEach(() => restore());
  return records;
}
