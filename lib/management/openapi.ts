// The OpenAPI 3.1 document of the management API, generated from the route table and the zod schemas with
// zod 4's `z.toJSONSchema` (JSON Schema 2020-12, the dialect OpenAPI 3.1 uses). Request bodies are described
// as the server accepts them (`io: 'input'`: defaults make fields optional), answers as it sends them.
// Byte-size refinements (a script's 64 KiB in UTF-8) have no JSON Schema form; their character bounds do.
import { z } from 'zod';
import { secretNameShape } from '../limits.ts';
import { responderCreateSchema, responderSchema, trackedRequestSchema } from '../responders/schema.ts';
import type { ManagementRoute } from './routes.ts';
import {
  errorSchema,
  historySchema,
  responderPageSchema,
  responderReplaceSchema,
  testBodySchema,
  testResultSchema,
} from './schemas.ts';

export const managementApiVersion = '1.0.0';

type JsonSchema = Record<string, unknown>;

/** Schemas shown once under `components.schemas` and referenced by name. */
const namedSchemas = new Map<z.ZodType, { name: string; io: 'input' | 'output' }>([
  [responderSchema, { name: 'Responder', io: 'output' }],
  [responderCreateSchema, { name: 'ResponderCreate', io: 'input' }],
  [responderReplaceSchema, { name: 'ResponderReplace', io: 'input' }],
  [responderPageSchema, { name: 'ResponderPage', io: 'output' }],
  [trackedRequestSchema, { name: 'TrackedRequest', io: 'output' }],
  [historySchema, { name: 'History', io: 'output' }],
  [testBodySchema, { name: 'TestBody', io: 'input' }],
  [testResultSchema, { name: 'TestResult', io: 'output' }],
  [errorSchema, { name: 'Error', io: 'output' }],
]);

const errorStatuses = {
  400: 'invalid input: the message names the field',
  401: 'missing or invalid API key',
  404: "no such responder in the key's namespace",
  413: 'body over 1.5 MiB',
  415: 'content type is not application/json',
} as const;

export function buildOpenApiDocument(routes: readonly ManagementRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(route);
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const [schema, { name, io }] of namedSchemas) schemas[name] = toJsonSchema(schema, io);
  return {
    openapi: '3.1.0',
    info: {
      title: 'webhook-responders management API',
      version: managementApiVersion,
      description:
        "Responders of one namespace, chosen by the API key (Authorization: Bearer <key>). Another namespace's responders are 404.",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key of one namespace' },
      },
    },
  };
}

function operation(route: ManagementRoute): Record<string, unknown> {
  const parameters: unknown[] = [];
  if (route.path.includes('{id}')) {
    parameters.push({
      name: 'id',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: 'responder id',
    });
  }
  if (route.path.includes('{name}')) {
    parameters.push({
      name: 'name',
      in: 'path',
      required: true,
      schema: { type: 'string', pattern: secretNameShape.source },
      description: "secret's name",
    });
  }
  for (const [name, { schema, description }] of Object.entries(route.query ?? {})) {
    parameters.push({
      name,
      in: 'query',
      required: false,
      description,
      schema: toJsonSchema(schema, 'input'),
    });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, { description, schema }] of Object.entries(route.responses)) {
    responses[status] = {
      description,
      ...(schema ? { content: { 'application/json': { schema: reference(schema, 'output') } } } : {}),
    };
  }
  if (route.authenticated) {
    const statuses: (keyof typeof errorStatuses)[] = [401];
    if (route.path.includes('{id}') || route.method === 'DELETE') statuses.push(404);
    if (route.body) statuses.push(400, 413, 415);
    for (const status of statuses) {
      responses[status] ??= { description: errorStatuses[status] };
    }
  }
  for (const [status, response] of Object.entries(responses)) {
    if (Number(status) >= 400) {
      responses[status] = {
        ...(response as object),
        content: { 'application/json': { schema: reference(errorSchema, 'output') } },
      };
    }
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.authenticated ? {} : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required,
            content: { 'application/json': { schema: reference(route.body.schema, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

function reference(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const named = namedSchemas.get(schema);
  return named ? { $ref: `#/components/schemas/${named.name}` } : toJsonSchema(schema, io);
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    // Refinements and coercions have no JSON Schema form; the rest of each schema still describes them.
    unrepresentable: 'any',
  }) as JsonSchema;
  return json;
}
