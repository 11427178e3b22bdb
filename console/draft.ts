// The responder form as text fields, and the responder JSON it stands for. The server checks every rule and
// names the field it refuses (`settings.headers[0][0]: …`); fieldOfError puts each message next to its field.
import type { HeaderPair, Responder, ResponderDraft } from './api.ts';

export interface ResponderForm {
  name: string;
  method: string;
  pathType: '=' | '^';
  path: string;
  statusCode: string;
  headers: string;
  body: string;
  script: string;
  requestsToTrack: string;
  enabled: boolean;
  memoryLimit: string;
  deadline: string;
  secretAccess: 'none' | 'all' | 'listed';
  secretNames: string;
  tests: string;
  /** The answer while the circuit breaker is open (docs/contract.md §10), instead of 503. */
  fallbackOn: boolean;
  fallbackStatusCode: string;
  fallbackHeaders: string;
  fallbackBody: string;
}

export type FormField =
  | 'name'
  | 'method'
  | 'pathType'
  | 'path'
  | 'statusCode'
  | 'headers'
  | 'body'
  | 'script'
  | 'requestsToTrack'
  | 'enabled'
  | 'memoryLimit'
  | 'deadline'
  | 'secretAccess'
  | 'tests'
  | 'fallbackStatusCode'
  | 'fallbackHeaders'
  | 'fallbackBody'
  | 'general';

export type FieldErrors = Partial<Record<FormField, string>>;

export const emptyForm: ResponderForm = {
  name: '',
  method: 'GET',
  pathType: '=',
  path: '/',
  statusCode: '200',
  headers: 'content-type: text/plain',
  body: '',
  script: '',
  requestsToTrack: '10',
  enabled: true,
  memoryLimit: '',
  deadline: '',
  secretAccess: 'none',
  secretNames: '',
  tests: '[]',
  fallbackOn: false,
  fallbackStatusCode: '200',
  fallbackHeaders: '',
  fallbackBody: '',
};

export function formOf(responder: Responder): ResponderForm {
  const { settings } = responder;
  const secrets = settings.secrets ?? 'none';
  return {
    name: responder.name,
    method: responder.method,
    pathType: responder.location.pathType,
    path: responder.location.path,
    statusCode: String(settings.statusCode ?? 200),
    headers: headerLines(settings.headers ?? []),
    body: settings.body ?? '',
    script: settings.script ?? '',
    requestsToTrack: String(settings.requestsToTrack ?? 0),
    enabled: responder.enabled,
    memoryLimit: settings.limits?.memoryBytes === undefined ? '' : String(settings.limits.memoryBytes),
    deadline: settings.limits?.deadlineMs === undefined ? '' : String(settings.limits.deadlineMs),
    secretAccess: Array.isArray(secrets) ? 'listed' : secrets,
    secretNames: Array.isArray(secrets) ? secrets.join(', ') : '',
    tests: JSON.stringify(responder.tests ?? [], null, 2),
    fallbackOn: settings.fallback !== undefined,
    fallbackStatusCode: String(settings.fallback?.statusCode ?? emptyForm.fallbackStatusCode),
    fallbackHeaders: headerLines(settings.fallback?.headers ?? []),
    fallbackBody: settings.fallback?.body ?? '',
  };
}

function headerLines(headers: HeaderPair[]): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** `Name: value` lines as header pairs, or the error of the first line that is not one. */
function headerPairsOf(text: string): { headers: HeaderPair[]; error?: string } {
  const headers: HeaderPair[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { headers, error: `line ${index + 1}: write a header as Name: value` };
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { headers };
}

/** A whole number as a number; anything else as typed, for the server to refuse with its field's name. */
function integerOrText(value: string): number {
  const trimmed = value.trim();
  return (/^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed) as number;
}

export function draftOf(form: ResponderForm): { draft?: ResponderDraft; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const { headers, error: headersError } = headerPairsOf(form.headers);
  if (headersError) errors.headers = headersError;
  const fallbackHeaders = headerPairsOf(form.fallbackHeaders);
  if (form.fallbackOn && fallbackHeaders.error) errors.fallbackHeaders = fallbackHeaders.error;
  let tests: ResponderDraft['tests'];
  try {
    tests = JSON.parse(form.tests || '[]');
    if (!Array.isArray(tests)) errors.tests = 'must be a JSON list of tests';
  } catch (error) {
    errors.tests = `not JSON: ${(error as Error).message}`;
  }
  if (Object.keys(errors).length > 0) return { errors };
  const limits: NonNullable<ResponderDraft['settings']['limits']> = {};
  if (form.memoryLimit.trim() !== '') limits.memoryBytes = integerOrText(form.memoryLimit);
  if (form.deadline.trim() !== '') limits.deadlineMs = integerOrText(form.deadline);
  const secretNames = form.secretNames
    .split(/[\s,]+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const draft: ResponderDraft = {
    name: form.name,
    location: { pathType: form.pathType, path: form.path },
    method: form.method,
    enabled: form.enabled,
    settings: {
      statusCode: integerOrText(form.statusCode),
      headers,
      requestsToTrack: integerOrText(form.requestsToTrack),
      ...(form.body !== '' ? { body: form.body } : {}),
      ...(form.script.trim() !== '' ? { script: form.script } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
      ...(form.fallbackOn
        ? {
            fallback: {
              statusCode: integerOrText(form.fallbackStatusCode),
              headers: fallbackHeaders.headers,
              ...(form.fallbackBody !== '' ? { body: form.fallbackBody } : {}),
            },
          }
        : {}),
      secrets: form.secretAccess === 'listed' ? secretNames : form.secretAccess,
    },
    ...(tests && tests.length > 0 ? { tests } : {}),
  };
  return { draft, errors };
}

const fieldPrefixes: [string, FormField][] = [
  ['settings.fallback.headers', 'fallbackHeaders'],
  ['settings.fallback.body', 'fallbackBody'],
  ['settings.fallback', 'fallbackStatusCode'],
  ['settings.limits.memoryBytes', 'memoryLimit'],
  ['settings.limits.deadlineMs', 'deadline'],
  ['settings.requestsToTrack', 'requestsToTrack'],
  ['settings.statusCode', 'statusCode'],
  ['settings.headers', 'headers'],
  ['settings.script', 'script'],
  ['settings.secrets', 'secretAccess'],
  ['settings.body', 'body'],
  ['location.pathType', 'pathType'],
  ['location, method', 'path'],
  ['location', 'path'],
  ['method', 'method'],
  ['enabled', 'enabled'],
  ['name', 'name'],
  ['tests', 'tests'],
];

export function fieldOfError(message: string): FormField {
  for (const [prefix, field] of fieldPrefixes) {
    if (message.startsWith(prefix) && /^[.[:\s]/.test(message.slice(prefix.length))) return field;
  }
  return 'general';
}

/** Each `field: problem` of a 400 next to its field; several problems of one field on one line. */
export function errorsOfMessage(message: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const part of message.split('; ')) {
    const field = fieldOfError(part);
    errors[field] = errors[field] ? `${errors[field]}; ${part}` : part;
  }
  return errors;
}

/** The line a syntax error names (`… (line 3)`), to mark it in the editor. */
export function syntaxErrorLine(message: string | undefined): number | undefined {
  const line = message && /syntax error: .*\(line (\d+)\)/.exec(message)?.[1];
  return line ? Number(line) : undefined;
}
