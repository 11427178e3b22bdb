// Every route of the management API (docs/contract.md §5) in one table: the router dispatches on it and the OpenAPI
// document is generated from it, so the two cannot disagree about which routes exist.
import { z } from 'zod';
import { responderCreateSchema, responderSchema } from '../responders/schema.ts';
import { testResponder } from './dry-run.ts';
import { clearHistory, listHistory } from './history-routes.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { replayResponder } from './replay.ts';
import { replayBodySchema, replayResultSchema, savedTestsRunSchema } from './replay-schemas.ts';
import {
  createResponder,
  deleteResponder,
  getResponder,
  listResponders,
  replaceResponder,
} from './responder-routes.ts';
import { json } from './responses.ts';
import type { ManagementRoute } from './route-context.ts';
import { runTestsRoute } from './saved-tests.ts';
import {
  historyQuerySchema,
  historySchema,
  listQuerySchema,
  responderPageSchema,
  responderReplaceSchema,
  testBodySchema,
  testResultSchema,
} from './schemas.ts';
import {
  deleteSecret,
  listSecrets,
  putSecret,
  secretListSchema,
  secretValueSchema,
} from './secret-routes.ts';

const responder = '/api/responders/{id}';

export const managementRoutes: readonly ManagementRoute[] = [
  {
    method: 'GET',
    path: '/api/responders',
    operationId: 'listResponders',
    summary: "The key's namespace's responders, in creation order, one page at a time",
    authenticated: true,
    query: {
      limit: { schema: listQuerySchema.shape.limit, description: 'page size' },
      nextToken: { schema: listQuerySchema.shape.nextToken, description: 'from the previous page' },
    },
    responses: {
      200: { description: 'one page', schema: responderPageSchema },
      400: { description: 'bad limit or nextToken' },
    },
    handle: listResponders,
  },
  {
    method: 'POST',
    path: '/api/responders',
    operationId: 'createResponder',
    summary: 'Create a responder (id, version and timestamps are assigned)',
    authenticated: true,
    body: { schema: responderCreateSchema, required: true },
    responses: {
      201: { description: 'created', schema: responderSchema },
      400: { description: 'a field breaks a rule, or the script does not compile' },
      409: { description: 'another responder has the same location and method' },
      422: {
        description: 'tests_failed: a saved test failed against the new definition; nothing was written',
      },
    },
    handle: createResponder,
  },
  {
    method: 'GET',
    path: responder,
    operationId: 'getResponder',
    summary: 'Read a responder',
    authenticated: true,
    responses: { 200: { description: 'the responder', schema: responderSchema } },
    handle: getResponder,
  },
  {
    method: 'PUT',
    path: responder,
    operationId: 'replaceResponder',
    summary: 'Replace a responder; the body carries the version it read',
    authenticated: true,
    body: { schema: responderReplaceSchema, required: true },
    responses: {
      200: { description: 'replaced (version + 1)', schema: responderSchema },
      400: { description: 'a field breaks a rule, or the script does not compile' },
      409: { description: 'a stale version (nothing changed), or the new location and method are taken' },
      422: {
        description: 'tests_failed: a saved test failed against the new definition; nothing was written',
      },
    },
    handle: replaceResponder,
  },
  {
    method: 'DELETE',
    path: responder,
    operationId: 'deleteResponder',
    summary: 'Delete a responder and its history',
    authenticated: true,
    responses: { 204: { description: 'deleted' } },
    handle: deleteResponder,
  },
  {
    method: 'GET',
    path: `${responder}/history`,
    operationId: 'listHistory',
    summary: 'The tracked requests of a responder, newest first, in pages that fit a Lambda answer',
    authenticated: true,
    query: {
      nextToken: { schema: historyQuerySchema.shape.nextToken, description: 'from the previous page' },
    },
    responses: {
      200: { description: 'the history, or its newest part and a nextToken', schema: historySchema },
      400: { description: 'bad nextToken' },
    },
    handle: listHistory,
  },
  {
    method: 'DELETE',
    path: `${responder}/history`,
    operationId: 'clearHistory',
    summary: 'Forget the tracked requests of a responder',
    authenticated: true,
    responses: { 204: { description: 'cleared' } },
    handle: clearHistory,
  },
  {
    method: 'POST',
    path: `${responder}/test`,
    operationId: 'testResponder',
    summary: 'Dry run: what the responder (or a draft) answers to a request; stores nothing, emits no metric',
    authenticated: true,
    body: { schema: testBodySchema, required: false },
    query: {
      request: {
        schema: z.string().optional(),
        description: 'id of a tracked request of this responder to answer instead of a request in the body',
      },
    },
    responses: {
      200: { description: 'the answer and how the script ran', schema: testResultSchema },
      400: { description: 'a field breaks a rule' },
    },
    handle: testResponder,
  },
  {
    method: 'POST',
    path: `${responder}/replay`,
    operationId: 'replayResponder',
    summary:
      'Replay tracked requests with their recorded seed and start time against the responder (or a draft) and diff the answers; stores nothing, emits no metric',
    authenticated: true,
    body: { schema: replayBodySchema, required: false },
    responses: {
      200: {
        description:
          'per request: same, recorded, replayed and the diff; requests that could not run within the time or answer size budget are listed in notRun',
        schema: replayResultSchema,
      },
      400: { description: 'a field breaks a rule (more than 100 requests, a bad draft)' },
      404: { description: 'a request id is not in the history' },
    },
    handle: replayResponder,
  },
  {
    method: 'POST',
    path: `${responder}/tests/run`,
    operationId: 'runSavedTests',
    summary: "Run the responder's saved tests (or a draft's, given as the body); writes nothing",
    authenticated: true,
    body: { schema: responderCreateSchema, required: false },
    responses: {
      200: {
        description: 'each test passed or failed, with its failures and the answer',
        schema: savedTestsRunSchema,
      },
      400: { description: 'the draft breaks a rule' },
    },
    handle: runTestsRoute,
  },
  {
    method: 'GET',
    path: '/api/secrets',
    operationId: 'listSecrets',
    summary: "The key's namespace's secrets: names and update times, never a value",
    authenticated: true,
    responses: { 200: { description: 'the secrets', schema: secretListSchema } },
    handle: listSecrets,
  },
  {
    method: 'PUT',
    path: '/api/secrets/{name}',
    operationId: 'putSecret',
    summary: 'Create or replace a secret (stored encrypted; at most 100 per namespace)',
    authenticated: true,
    body: { schema: secretValueSchema, required: true },
    responses: {
      204: { description: 'stored' },
      400: { description: 'a bad name or value, or the namespace already holds 100 secrets' },
    },
    handle: putSecret,
  },
  {
    method: 'DELETE',
    path: '/api/secrets/{name}',
    operationId: 'deleteSecret',
    summary: 'Delete a secret (a responder that names it then sees it absent from context.secrets)',
    authenticated: true,
    responses: { 204: { description: 'deleted' } },
    handle: deleteSecret,
  },
  {
    method: 'GET',
    path: '/api/namespace',
    operationId: 'getNamespace',
    summary: "The API key's namespace (the web console shows public URLs with it)",
    authenticated: true,
    responses: { 200: { description: 'the namespace', schema: z.object({ namespace: z.string() }) } },
    handle: async ({ namespace }) => json(200, { namespace }),
  },
  {
    method: 'GET',
    path: '/api/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This document (no key needed)',
    authenticated: false,
    responses: { 200: { description: 'OpenAPI 3.1' } },
    handle: async () => json(200, openApiDocument()),
  },
];

let document: unknown;
/** Built on first use: generating JSON Schemas from zod takes a few milliseconds, a cold start need not pay it. */
function openApiDocument(): unknown {
  document ??= buildOpenApiDocument(managementRoutes);
  return document;
}
