// A responder's saved tests as JSON (docs/contract.md §9), and the webhook request a dry run or a saved test
// gives: zod schemas that are also the TypeScript types.
import { z } from 'zod';
import { responderNameMaxChars, savedTestsMax } from '../limits.ts';
import { scriptOutcomes } from '../sandbox/types.ts';
import { typeError } from './field-errors.ts';

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

export type SavedTest = z.infer<typeof savedTestSchema>;
