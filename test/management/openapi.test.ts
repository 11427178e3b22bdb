// GET /api/openapi.json: an OpenAPI 3.1 document generated from the zod schemas, listing every route.
import { describe, expect, it } from 'vitest';
import { handleManagement } from '../../lib/management/handle-management.ts';
import { managementRoutes } from '../../lib/management/routes.ts';
import type { ManagementDeps } from '../../lib/management/types.ts';

/** The routes of docs/contract.md §5, written out here on purpose: the document must list exactly these. */
const specRoutes = [
  'GET /api/responders',
  'POST /api/responders',
  'GET /api/responders/{id}',
  'PUT /api/responders/{id}',
  'DELETE /api/responders/{id}',
  'GET /api/responders/{id}/history',
  'DELETE /api/responders/{id}/history',
  'POST /api/responders/{id}/test',
  // docs/contract.md §9
  'POST /api/responders/{id}/replay',
  'POST /api/responders/{id}/tests/run',
  'GET /api/secrets',
  'PUT /api/secrets/{name}',
  'DELETE /api/secrets/{name}',
  // docs/contract.md §11: the console shows public URLs with the key's namespace
  'GET /api/namespace',
  'GET /api/openapi.json',
];

const unusedDeps = new Proxy({} as ManagementDeps, {
  get: () => {
    throw new Error('the OpenAPI document needs no store, key or sandbox');
  },
});

async function fetchDocument() {
  const response = await handleManagement(
    {
      requestId: 'r',
      method: 'GET',
      path: '/api/openapi.json',
      query: {},
      headers: {},
      body: new Uint8Array(),
    },
    unusedDeps,
  );
  return { response, document: JSON.parse(response.body ?? '') };
}

describe('OpenAPI document', () => {
  it('is served without a key as JSON that parses as OpenAPI 3.1', async () => {
    const { response, document } = await fetchDocument();
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBeTruthy();
  });

  it('lists every route of SPEC §5, §9 and §12 and no other', async () => {
    const { document } = await fetchDocument();
    const listed = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(listed.sort()).toEqual([...specRoutes].sort());
    expect(managementRoutes.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      [...specRoutes].sort(),
    );
  });

  it('describes the responder with the rules of SPEC §2, generated from the zod schema', async () => {
    const { document } = await fetchDocument();
    const create = document.components.schemas.ResponderCreate;
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(expect.arrayContaining(['name', 'location', 'method', 'settings']));
    expect(create.properties.method.enum).toContain('ANY');
    expect(create.properties.name.maxLength).toBe(100);
    const settings = create.properties.settings;
    expect(settings.properties.statusCode).toMatchObject({ minimum: 200, maximum: 599 });
    expect(settings.properties.limits.properties.deadlineMs.maximum).toBe(25_000);
    expect(document.components.schemas.Responder.required).toEqual(
      expect.arrayContaining(['id', 'version', 'createdAt', 'updatedAt']),
    );
  });

  it('marks every route but the document itself as needing the bearer key, with its error answers', async () => {
    const { document } = await fetchDocument();
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.paths['/api/openapi.json'].get.security).toEqual([]);
    const put = document.paths['/api/responders/{id}'].put;
    expect(put.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ResponderReplace',
    });
    expect(Object.keys(put.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '404',
      '409',
      '413',
      '415',
      '422',
    ]);
    expect(put.responses['409'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
  });

  it('resolves every $ref it uses', async () => {
    const { document } = await fetchDocument();
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = /#\/components\/schemas\/(\w+)/.exec(ref)?.[1];
      expect(name && document.components.schemas[name], ref).toBeTruthy();
    }
  });
});
