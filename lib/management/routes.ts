// Every route of the management API (SPEC §5) in one table: the router dispatches on it and the OpenAPI
// document is generated from it, so the two cannot disagree about which routes exist.
import { z } from 'zod';
import { responderCreateSchema, responderSchema } from '../responders/schema.ts';
import { testResponder } from './dry-run.ts';
import { clearHistory, listHistory } from './history-routes.ts';
import { buildOpenApiDocument } from './openapi.ts';
import {
  createResponder,
  deleteResponder,
  getResponder,
  listResponders,
  replaceResponder,
} from './responder-routes.ts';
import { json } from './responses.ts';
import type { ManagementRoute } from './route-context.ts';
import {
  historySchema,
  listQuerySchema,
  responderPageSchema,
  responderReplaceSchema,
  testBodySchema,
  testResultSchema,
} from './schemas.ts';

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
    summary: 'The tracked requests of a responder, newest first',
    authenticated: true,
    responses: { 200: { description: 'the history', schema: historySchema } },
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
