// The responder and the tracked request as JSON (docs/contract.md §2, §4): zod schemas that are also the TypeScript types.
// A responder's saved tests have theirs in saved-test-schema.ts; describe-issues.ts turns a failed parse into
// one line per field. The management API generates its OpenAPI document from these with `z.toJSONSchema`, so the input schemas
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
import { typeError } from './field-errors.ts';
import { httpMethods } from './methods.ts';
import { namespacePattern, reservedNamespace } from './namespace.ts';
import { answerOutcomes } from './outcomes.ts';
import { savedTestsSchema } from './saved-test-schema.ts';

const utf8Bytes = (value: string) => Buffer.byteLength(value, 'utf8');

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

/** One call the script made to an upstream (docs/contract.md §13). */
export const upstreamCallSchema = z.object({
  url: z.string().describe('without its query'),
  method: z.string(),
  statusCode: z.int().optional().describe('absent when no answer came'),
  durationMs: z.number(),
  error: z.string().optional().describe("the message the script's promise was rejected with"),
});

/** One request kept in a responder's history (docs/contract.md §4). */
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
