// The management API as the console calls it: same origin, the key in the Authorization header only. The key
// lives in sessionStorage (docs/contract.md §11): gone with the tab, never in a URL, cookie or localStorage.

const keyStorageName = 'webhook-responders-api-key';

export function storedKey(): string | null {
  return sessionStorage.getItem(keyStorageName);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(keyStorageName, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(keyStorageName);
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export type ApiResult<T> =
  | { ok: true; status: number; value: T }
  | { ok: false; status: number; error: ApiErrorBody };

/** Thrown for a 401, which ends the session wherever it happens. */
export class KeyRefused extends Error {}

export async function api<T>(
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'omit',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 401) throw new KeyRefused();
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not the API's JSON (a proxy's or the platform's own error page): the status is all there is to say.
    parsed = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, value: parsed as T };
  const error = (parsed as { error?: ApiErrorBody } | undefined)?.error;
  return {
    ok: false,
    status: response.status,
    error: error ?? { code: 'http', message: `the server answered ${response.status}` },
  };
}

export type HeaderPair = [string, string];

export interface SavedTest {
  name: string;
  [field: string]: unknown;
}

export interface ResponderDraft {
  name: string;
  location: { pathType: '=' | '^'; path: string };
  method: string;
  enabled: boolean;
  settings: {
    requestsToTrack?: number;
    statusCode?: number;
    headers?: HeaderPair[];
    body?: string;
    script?: string;
    limits?: { memoryBytes?: number; deadlineMs?: number };
    fallback?: { statusCode: number; headers?: HeaderPair[]; body?: string };
    secrets?: 'none' | 'all' | string[];
  };
  tests?: SavedTest[];
}

export interface Responder extends ResponderDraft {
  id: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface ConsoleLine {
  level: string;
  message: string;
}

export interface UpstreamCall {
  url: string;
  method: string;
  statusCode?: number;
  durationMs: number;
  error?: string;
}

export interface TrackedRequest {
  id: string;
  createdAt: number;
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  body: string;
  bodyTruncated: boolean;
  clientAddress: string | null;
  statusCode: number;
  outcome: string | null;
  durationMs: number;
  memoryBytes: number;
  console: ConsoleLine[];
  response?: { headers: HeaderPair[]; bodyBase64: string; bodyTruncated: boolean };
  upstream?: UpstreamCall[];
}

export interface Answer {
  statusCode: number;
  headers: HeaderPair[];
  bodyBase64: string;
  outcome: string | null;
  durationMs?: number;
  memoryBytes?: number;
  console?: ConsoleLine[];
}

export interface ReplayItem {
  requestId: string;
  same: boolean;
  recorded: Answer;
  replayed: Answer;
  diff: {
    statusCode?: [number, number];
    headers?: { added: HeaderPair[]; removed: HeaderPair[]; changed: [string, string, string][] };
    body?: {
      recordedBytes?: number;
      replayedBytes?: number;
      firstDifferenceAt?: number;
      truncated?: boolean;
    };
  };
}

export interface ReplayResult {
  items: ReplayItem[];
  summary: { total: number; same: number; different: number; notRun?: number };
  notRun?: string[];
}

export interface TestFailure {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface TestRun {
  name: string;
  passed: boolean;
  failures: TestFailure[];
  answer?: Answer;
}

export interface TestsRunResult {
  items: TestRun[];
  summary: { total: number; passed: number; failed: number };
}

export interface SecretItem {
  name: string;
  updatedAt: number;
}
