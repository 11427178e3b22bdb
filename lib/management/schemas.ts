// The shapes of the management API (docs/contract.md §5) beyond the responder itself: request bodies, query parameters and
// answers. Built from the responder schemas of lib/responders/schema.ts; the OpenAPI document is generated
// from these same objects, so there is no second copy to drift.
import { z } from 'zod';
import { listPageSizeMax } from '../limits.ts';
import { testRequestSchema } from '../responders/saved-test-schema.ts';
import {
  consoleLineSchema,
  headerPairSchema,
  responderCreateSchema,
  responderSchema,
  responderUpdateSchema,
  trackedRequestSchema,
} from '../responders/schema.ts';
import { scriptOutcomes } from '../sandbox/types.ts';

export { testRequestSchema };

/** Fields the server owns: a create that sends them is refused, a replace may echo them back from a GET. */
export const readOnlyResponderFields = ['id', 'version', 'createdAt', 'updatedAt'] as const;

/**
 * PUT body: a whole definition plus the version it read. `id`, `createdAt` and `updatedAt` may be sent back as
 * read, so GET → edit → PUT works on the document as it came; `id` must then name the same responder.
 */
export const responderReplaceSchema = responderUpdateSchema.extend({
  id: z
    .string({ error: 'id: must be a string' })
    .optional()
    .describe('read-only: must match the URL if sent'),
  createdAt: z.int({ error: 'createdAt: must be an integer' }).optional().describe('read-only: ignored'),
  updatedAt: z.int({ error: 'updatedAt: must be an integer' }).optional().describe('read-only: ignored'),
});

export const testBodySchema = z.strictObject({
  responder: responderCreateSchema
    .optional()
    .describe('a draft with the same fields as a create; default: the stored responder'),
  request: testRequestSchema
    .optional()
    .describe("default: ?request=<tracked request id>, else a request to the responder's own location"),
});

export const testResultSchema = z.object({
  statusCode: z.int(),
  headers: z.array(headerPairSchema).describe('ordered [name, value] pairs'),
  bodyBase64: z.string(),
  outcome: z.enum(scriptOutcomes).nullable().describe('null for a responder without a script'),
  durationMs: z.number(),
  memoryBytes: z.int(),
  console: z.array(consoleLineSchema),
});

export const responderPageSchema = z.object({
  items: z.array(responderSchema),
  nextToken: z.string().optional().describe('pass as ?nextToken= for the next page; absent on the last page'),
});

export const historySchema = z.object({
  items: z.array(trackedRequestSchema).describe('newest first'),
  nextToken: z.string().optional().describe('present when older requests did not fit in this answer'),
});

export const historyQuerySchema = z.object({ nextToken: z.string().optional() });

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

export const listQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'limit: must be a number' })
    .int('limit: must be an integer')
    .min(1, 'limit: must be at least 1')
    .max(listPageSizeMax, `limit: must be at most ${listPageSizeMax}`)
    .optional(),
  nextToken: z.string().optional(),
});

export type TestBody = z.infer<typeof testBodySchema>;
export type TestRequest = z.infer<typeof testRequestSchema>;
export type TestResult = z.infer<typeof testResultSchema>;
