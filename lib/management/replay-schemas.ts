// The shapes of replay and saved-test runs (docs/contract.md §9), for validation and the OpenAPI document.
import { z } from 'zod';
import { replayRequestsMax } from '../limits.ts';
import { answerOutcomes } from '../responders/outcomes.ts';
import { headerPairSchema, responderCreateSchema } from '../responders/schema.ts';
import { testResultSchema } from './schemas.ts';

export const replayBodySchema = z.strictObject({
  responder: responderCreateSchema
    .optional()
    .describe('a draft with the same fields as a create; default: the stored responder'),
  requests: z
    .array(z.string({ error: 'requests: must be a list of tracked request ids' }), {
      error: 'requests: must be a list of tracked request ids',
    })
    .min(1, 'requests: must name at least one request')
    .max(replayRequestsMax, `requests: at most ${replayRequestsMax} requests`)
    .optional()
    .describe('tracked request ids, replayed in this order; default: every tracked request, newest first'),
  last: z
    .int('last: must be an integer')
    .min(1, 'last: must be at least 1')
    .max(replayRequestsMax, `last: must be at most ${replayRequestsMax}`)
    .optional()
    .describe('only the newest N tracked requests'),
});

export const replayDiffSchema = z.object({
  statusCode: z.tuple([z.int(), z.int()]).optional().describe('[recorded, replayed]'),
  headers: z
    .object({
      added: z.array(headerPairSchema),
      removed: z.array(headerPairSchema),
      changed: z.array(z.tuple([z.string(), z.string(), z.string()])).describe('[name, recorded, replayed]'),
    })
    .optional()
    .describe('names compared case-insensitively'),
  body: z
    .object({
      recordedBytes: z.int(),
      replayedBytes: z.int(),
      firstDifferenceAt: z.int().optional().describe('absent when the compared bytes are equal'),
      truncated: z
        .literal(true)
        .optional()
        .describe('the recording kept only its first 64 KiB: that prefix was compared'),
    })
    .optional(),
});

export const replayResultSchema = z.object({
  items: z.array(
    z.object({
      requestId: z.string(),
      same: z.boolean(),
      recorded: z.object({
        statusCode: z.int(),
        headers: z.array(headerPairSchema).nullable().describe('null when the answer was not kept'),
        bodyBase64: z.string().nullable(),
        outcome: z.enum(answerOutcomes).nullable(),
      }),
      replayed: testResultSchema,
      diff: replayDiffSchema,
    }),
  ),
  summary: z.object({
    total: z.int(),
    same: z.int(),
    different: z.int(),
    notRun: z.int().describe('requests left out to answer within the time or size budget'),
  }),
  notRun: z
    .array(z.string())
    .optional()
    .describe('request ids not replayed: running them could have passed the time or answer size budget'),
});

export type ReplayDiff = z.infer<typeof replayDiffSchema>;
export type ReplayResult = z.infer<typeof replayResultSchema>;

export const savedTestsRunSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      passed: z.boolean(),
      failures: z.array(z.object({ field: z.string(), expected: z.unknown(), actual: z.unknown() })),
      answer: testResultSchema
        .omit({ memoryBytes: true })
        .optional()
        .describe('absent for a test not run (time budget)'),
    }),
  ),
  summary: z.object({ total: z.int(), passed: z.int(), failed: z.int() }),
});
