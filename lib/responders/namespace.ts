// What a namespace is (docs/contract.md §3): the first path segment of a public URL. Plain code, no zod, so the webhook
// bundle (which checks every request's namespace) does not carry the schema library: zod is half of it.
import { namespaceMaxChars, namespaceMinChars } from '../limits.ts';

export const namespacePattern = new RegExp(`^[a-z0-9-]{${namespaceMinChars},${namespaceMaxChars}}$`);
/** Taken by the management API (`/api/...`). */
export const reservedNamespace = 'api';

export function isNamespace(value: string): boolean {
  return namespacePattern.test(value) && value !== reservedNamespace;
}
