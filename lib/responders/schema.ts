// The responder and the tracked request as JSON (docs/contract.md §2, §4): zod schemas that are also the TypeScript types.
// The management API generates its OpenAPI document from these with `z.toJSONSchema`, so the input schemas
// use only checks and defaults (no transforms): what they accept is what JSON Schema can describe, plus
// byte-size refinements that JSON Schema cannot express.
import { z } from 'zod';
import {
  deploymentCaps,
  finalStatusCodeMax,
  finalStatusCodeMin,
  headerNameMaxChars,
  headerValueMaxChars,
  minimumScriptLimits,
  namespaceMaxChars,
  namespaceMinChars,
  requestsToTrackMax,
  responderHeadersMax,
  responderNameMaxChars,
  responderPathMaxChars,
  savedTestsMax,
  scriptMaxBytes,
  secretNameShape,
  secretsPerNamespaceMax,
  staticBodyMaxBytes,
} from '../limits.ts';
import {
  forbiddenInHeaderValue,
  httpToken,
  isPlatformHeader,
  platformHeaderNames,
  unsendableInHeaderValue,
} from '../sandbox/result-check.ts';
import { scriptOutcomes } from '../sandbox/types.ts';
import { namespacePattern, reservedNamespace } from './namespace.ts';
import { answerOutcomes } from './outcomes.ts';

export const httpMethods = [
  'ANY',
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'CONNECT',
  'TRACE',
  'PATCH',
] as const;

const utf8Bytes = (value: string) => Buffer.byteLength(value, 'utf8');

/** A type error that tells a missing field from a wrong one, naming the field either way. */
const typeError =
  (field: string, expected: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `${field}: is required` : `${field}: must be ${expected}`;

/** Whitespace, control characters, `?` and `#` have no place in a location path (docs/contract.md §2). */
const forbiddenPathCharacters = /[\s\p{Cc}?#]/u;

export const namespaceSchema = z
  .string()
  .regex(
    namespacePattern,
    `namespace: must be ${namespaceMinChars} to ${namespaceMaxChars} characters of a-z, 0-9 and -`,
  )
  .refine((value) => value !== reservedNamespace, {
    message: `namespace: "${reservedNamespace}" is reserved for the management API`,
  });

export const locationSchema = z.strictObject(
  {
    pathType: z.enum(['=', '^'], { error: typeError('location.pathType', '"=" (exact) or "^" (prefix)') }),
    path: z
      .string({ error: typeError('location.path', 'a string') })
      .min(1, 'location.path: must start with /')
      .max(responderPathMaxChars, `location.path: must be at most ${responderPathMaxChars} characters`)
      .startsWith('/', 'location.path: must start with /')
      .refine((path) => path === '/' || !path.endsWith('/'), {
        message: 'location.path: must not end with / (except "/" itself)',
      })
      .refine((path) => !forbiddenPathCharacters.test(path), {
        message: 'location.path: must not contain ?, #, white space or control characters',
      }),
  },
  { error: typeError('location', 'an object {pathType, path}') },
);

export const headerPairSchema = z.tuple([
  z
    .string()
    .min(1, 'must not be empty')
    .max(headerNameMaxChars, `must be at most ${headerNameMaxChars} characters`)
    .regex(httpToken, "must be an HTTP token (letters, digits and !#$%&'*+-.^_`|~)")
    .refine((name) => !isPlatformHeader(name), {
      message: `must not be one the platform sets (${[...platformHeaderNames].join(', ')})`,
    }),
  z
    .string()
    .max(headerValueMaxChars, `must be at most ${headerValueMaxChars} characters`)
    .refine((value) => !forbiddenInHeaderValue.test(value), { message: 'must not contain CR, LF or NUL' })
    .refine((value) => !unsendableInHeaderValue.test(value), {
      message: 'must not contain other control characters or characters above U+00FF (HTTP field value)',
    }),
]);

/** An integer field within [min, max], each rule's message naming the field. */
function boundedInt(field: string, min: number, max: number) {
  return z
    .int(`${field}: must be an integer`)
    .min(min, `${field}: must be at least ${min}`)
    .max(max, `${field}: must be at most ${max}`);
}

export const responderLimitsSchema = z.strictObject({
  memoryBytes: boundedInt(
    'settings.limits.memoryBytes',
    minimumScriptLimits.memoryBytes,
    deploymentCaps.memoryBytes,
  ).optional(),
  deadlineMs: boundedInt(
    'settings.limits.deadlineMs',
    minimumScriptLimits.deadlineMs,
    deploymentCaps.deadlineMs,
  ).optional(),
});

const statusCodeRange = `settings.statusCode: must be between ${finalStatusCodeMin} and ${finalStatusCodeMax}`;

/** A static body: text, at most 1 MiB in UTF-8 (docs/contract.md §2). */
function staticBodySchema(field: string) {
  return z
    .string({ error: typeError(field, 'a string') })
    .max(staticBodyMaxBytes)
    .refine((body) => utf8Bytes(body) <= staticBodyMaxBytes, {
      message: `${field}: must be at most ${staticBodyMaxBytes} bytes (UTF-8)`,
    });
}

/** What a responder answers instead of running its script while its circuit breaker is open (docs/contract.md §10). */
export const responderFallbackSchema = z.strictObject(
  {
    statusCode: boundedInt('settings.fallback.statusCode', finalStatusCodeMin, finalStatusCodeMax),
    headers: z
      .array(headerPairSchema, { error: 'settings.fallback.headers: must be a list of [name, value] pairs' })
      .max(responderHeadersMax, `settings.fallback.headers: at most ${responderHeadersMax} headers`)
      .default([]),
    body: staticBodySchema('settings.fallback.body').optional(),
  },
  { error: typeError('settings.fallback', 'an object {statusCode, headers, body}') },
);

/** A secret's name (docs/contract.md §12); `field` names where it was given. */
export const secretNameSchema = (field: string) =>
  z
    .string({ error: typeError(field, 'a string') })
    .regex(secretNameShape, `${field}: must match ${secretNameShape.source}`);

/**
 * The secrets a responder's script sees as `context.secrets` (docs/contract.md §12): none (also when absent), all of the
 * namespace's, or the ones named. That named secrets exist is checked on save (it needs the store); a secret
 * deleted later is simply absent from `context.secrets`.
 */
export const responderSecretsSchema = z.union(
  [
    z.enum(['none', 'all']),
    z
      .array(secretNameSchema('settings.secrets'), {
        error: typeError('settings.secrets', '"none", "all" or a list of secret names'),
      })
      .max(secretsPerNamespaceMax, `settings.secrets: at most ${secretsPerNamespaceMax} names`)
      .refine((names) => new Set(names).size === names.length, {
        message: 'settings.secrets: names a secret twice',
      }),
  ],
  { error: typeError('settings.secrets', '"none", "all" or a list of secret names') },
);

export const responderSettingsSchema = z.strictObject(
  {
    requestsToTrack: boundedInt('settings.requestsToTrack', 0, requestsToTrackMax).default(0),
    statusCode: z
      .int('settings.statusCode: must be an integer')
      .min(finalStatusCodeMin, statusCodeRange)
      .max(finalStatusCodeMax, statusCodeRange)
      .default(200),
    headers: z
      .array(headerPairSchema, { error: 'settings.headers: must be a list of [name, value] pairs' })
      .max(responderHeadersMax, `settings.headers: at most ${responderHeadersMax} headers`)
      .default([]),
    body: staticBodySchema('settings.body').optional(),
    script: z
      .string({ error: typeError('settings.script', 'a string') })
      .max(scriptMaxBytes)
      .refine((script) => utf8Bytes(script) <= scriptMaxBytes, {
        message: `settings.script: must be at most ${scriptMaxBytes} bytes (UTF-8)`,
      })
      .optional(),
    limits: responderLimitsSchema.optional(),
    fallback: responderFallbackSchema.optional(),
    secrets: responderSecretsSchema.optional(),
  },
  { error: typeError('settings', 'an object') },
);

/** A webhook request as a dry run or a saved test gives it (docs/contract.md §5, §9): every field optional. */
export const testRequestSchema = z
  .strictObject({
    method: z
      .string({ error: 'request.method: must be a string' })
      .regex(/^[A-Za-z]{1,20}$/, 'request.method: must be an HTTP method such as GET or POST')
      .optional()
      .describe("default: the responder's method (GET for ANY)"),
    path: z
      .string({ error: 'request.path: must be a string' })
      .startsWith('/', 'request.path: must start with /')
      .max(2048, 'request.path: must be at most 2048 characters')
      .optional()
      .describe("below the namespace; default: the responder's location path"),
    rawQuery: z
      .string({ error: 'request.rawQuery: must be a string' })
      .refine((query) => !query.startsWith('?'), { message: 'request.rawQuery: without the leading ?' })
      .default(''),
    headers: z
      .record(
        z.string(),
        z.union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' }),
        { error: 'request.headers: must be an object of name → string or list of strings' },
      )
      .default({})
      .describe('values of a repeated name as a list (or given in two cases of the name), joined with `,`'),
    bodyBase64: z.base64({ error: 'request.bodyBase64: must be base64' }).default(''),
    clientAddress: z.string({ error: 'request.clientAddress: must be a string' }).nullable().default(null),
  })
  .describe(
    'The webhook request to answer, as a caller would send it (also the request file of `npm run try`)',
  );

const seedBase64Pattern = /^[A-Za-z0-9+/]{43}=$/;

/** A saved test (docs/contract.md §9): a request, a seed and a time, and what the answer must be. */
export const savedTestSchema = z.strictObject(
  {
    name: z
      .string({ error: typeError('tests.name', 'a string') })
      .min(1, 'tests.name: must not be empty')
      .max(responderNameMaxChars, `tests.name: must be at most ${responderNameMaxChars} characters`),
    request: testRequestSchema
      .optional()
      .describe("as for the dry run; default: a request to the responder's location"),
    seedBase64: z
      .string({ error: typeError('tests.seedBase64', 'a string') })
      .regex(seedBase64Pattern, 'tests.seedBase64: must be 32 bytes in base64 (44 characters)')
      .optional()
      .describe("the execution's seed; default 32 zero bytes"),
    nowMs: z
      .int('tests.nowMs: must be an integer')
      .min(0, 'tests.nowMs: must be at least 0')
      .max(8.64e15, 'tests.nowMs: must be at most 8.64e15')
      .optional()
      .describe('what Date.now() reads; default 0'),
    expect: z
      .strictObject(
        {
          statusCode: z.int('tests.expect.statusCode: must be an integer').optional(),
          headers: z
            .array(z.tuple([z.string(), z.string()]), {
              error: 'tests.expect.headers: must be a list of [name, value] pairs',
            })
            .optional()
            .describe('each must be present (name case-insensitive, value exact)'),
          body: z
            .string({ error: typeError('tests.expect.body', 'a string') })
            .optional()
            .describe('exact text'),
          bodyContains: z.string({ error: typeError('tests.expect.bodyContains', 'a string') }).optional(),
          json: z.unknown().optional().describe('a value the body must parse to (deep equal)'),
          outcome: z
            .enum(scriptOutcomes, {
              error: typeError('tests.expect.outcome', `one of ${scriptOutcomes.join(', ')}`),
            })
            .optional(),
        },
        { error: typeError('tests.expect', 'an object') },
      )
      .refine((expectations) => Object.keys(expectations).length > 0, {
        message: 'tests.expect: must hold at least one expectation',
      }),
  },
  { error: typeError('tests', 'a list of objects {name, request, seedBase64, nowMs, expect}') },
);

export const savedTestsSchema = z
  .array(savedTestSchema, { error: typeError('tests', 'a list of tests') })
  .max(savedTestsMax, `tests: at most ${savedTestsMax} tests`)
  .superRefine((tests, context) => {
    const seen = new Set<string>();
    tests.forEach((test, index) => {
      if (seen.has(test.name)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `tests.name: "${test.name}" is used twice`,
        });
      }
      seen.add(test.name);
    });
  });

/** What a client sends to create a responder (and, with `version`, to replace one). */
export const responderCreateSchema = z.strictObject({
  name: z
    .string({ error: typeError('name', 'a string') })
    .min(1, 'name: must not be empty')
    .max(responderNameMaxChars, `name: must be at most ${responderNameMaxChars} characters`),
  location: locationSchema,
  method: z.enum(httpMethods, { error: typeError('method', `one of ${httpMethods.join(', ')}`) }),
  enabled: z.boolean({ error: typeError('enabled', 'true or false') }).default(true),
  settings: responderSettingsSchema,
  tests: savedTestsSchema.optional().describe('run against every create and update (docs/contract.md §9)'),
});

/** PUT replaces the whole definition and must carry the version it read (optimistic concurrency). */
export const responderUpdateSchema = responderCreateSchema.extend({
  version: z.int({ error: typeError('version', 'an integer') }).min(1, 'version: must be at least 1'),
});

export const responderSchema = responderCreateSchema.extend({
  id: z.string(),
  version: z.int().min(1),
  createdAt: z.int().describe('unix seconds'),
  updatedAt: z.int().describe('unix seconds'),
});

export type HttpMethod = (typeof httpMethods)[number];
export type ResponderLocation = z.infer<typeof locationSchema>;
export type ResponderSettings = z.infer<typeof responderSettingsSchema>;
export type ResponderFallback = z.infer<typeof responderFallbackSchema>;
export type ResponderInput = z.infer<typeof responderCreateSchema>;
/** What a client may send (defaults not yet applied). */
export type ResponderInputJson = z.input<typeof responderCreateSchema>;
export type SavedTest = z.infer<typeof savedTestSchema>;
export type ResponderUpdate = z.infer<typeof responderUpdateSchema>;
export type Responder = z.infer<typeof responderSchema>;

export const consoleLineSchema = z.object({
  level: z.enum(['log', 'info', 'warn', 'error']),
  message: z.string(),
});

/** The answer sent to a tracked request (docs/contract.md §9), beside its `statusCode`. */
export const trackedResponseSchema = z.object({
  headers: z.array(z.tuple([z.string(), z.string()])),
  bodyBase64: z.string().describe('base64 of the answer body, capped at 64 KiB'),
  bodyTruncated: z.boolean(),
  headersTruncated: z
    .boolean()
    .optional()
    .describe('true when the headers passed 64 KiB and the rest were dropped'),
});

export type TrackedResponse = z.infer<typeof trackedResponseSchema>;

/** One request kept in a responder's history (docs/contract.md §4). */
/** One call the script made to an upstream (docs/contract.md §13). */
export const upstreamCallSchema = z.object({
  url: z.string().describe('without its query'),
  method: z.string(),
  statusCode: z.int().optional().describe('absent when no answer came'),
  durationMs: z.number(),
  error: z.string().optional().describe("the message the script's promise was rejected with"),
});

export const trackedRequestSchema = z.object({
  id: z.string(),
  createdAt: z.int().describe('unix milliseconds'),
  method: z.string(),
  path: z.string(),
  rawQuery: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.string().describe('base64 of the request body, capped at 64 KiB'),
  bodyTruncated: z.boolean(),
  clientAddress: z.string().nullable(),
  statusCode: z.int(),
  outcome: z
    .enum(answerOutcomes)
    .nullable()
    .describe(
      'null for a responder without a script; breaker: its circuit breaker answered (docs/contract.md §10)',
    ),
  durationMs: z.number(),
  memoryBytes: z.int(),
  console: z.array(consoleLineSchema),
  seed: z
    .string()
    .optional()
    .describe(
      'base64 of the 32-byte seed of the execution (docs/contract.md §9); absent in entries older than §9',
    ),
  startedAtMs: z.int().optional().describe('the start time the execution read, unix milliseconds'),
  response: trackedResponseSchema
    .optional()
    .describe('the answer sent; absent when the script answered trackResponse: false'),
  upstream: z.array(upstreamCallSchema).optional().describe("the script's calls to upstreams, in order"),
});

export type TrackedRequest = z.infer<typeof trackedRequestSchema>;

/**
 * One line per problem, each naming the field (`settings.headers[0][0]: …`). The field path comes from zod;
 * the messages above repeat the field's name so they also read well on their own.
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = formatFieldPath(issue.path);
      if (issue.code === 'unrecognized_keys') {
        const keys = issue.keys.map((key) => (field ? `${field}.${key}` : key));
        return `${keys.join(', ')}: unknown field${keys.length > 1 ? 's' : ''}`;
      }
      if (!field) return issue.message;
      // Messages above start with their field's name; under a longer path (e.g. a responders file) the
      // message's own name is replaced by the full one.
      const named = /^([\w.[\]]+): (.*)$/s.exec(issue.message);
      if (named?.[1] && named[2] !== undefined && withoutIndexes(field).endsWith(withoutIndexes(named[1]))) {
        return `${field}: ${named[2]}`;
      }
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function withoutIndexes(field: string): string {
  return field.replace(/\[\d+\]/g, '');
}
