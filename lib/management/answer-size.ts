// A management answer goes back through Lambda as the result's body string, so its JSON is escaped once more
// (docs/contract.md §5). Answers that grow with stored data are kept under `managementAnswerMaxBytes`.
import { managementAnswerMaxBytes } from '../limits.ts';

/** Bytes of `value` once its JSON is written into the Lambda result as a string. */
export function lambdaAnswerBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(value)));
}

/** Room for a page's envelope (`{"items":[…],"nextToken":"…"}`) beside its items. */
const pageEnvelopeBytes = 1024;

/** How many of `items`, in order, fit in one answer; at least one, so that paging always moves on. */
export function itemsThatFit(items: readonly unknown[]): number {
  let bytes = pageEnvelopeBytes;
  for (const [index, item] of items.entries()) {
    bytes += lambdaAnswerBytes(item) + 1;
    if (bytes > managementAnswerMaxBytes) return Math.max(1, index);
  }
  return items.length;
}
