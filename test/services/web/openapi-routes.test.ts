import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_MAX_POINTS } from '../../../lib/db/queries/select-host-series.ts';
import { PROJECT_ROOT } from '../../../lib/paths.ts';
import { renderApiReference, replaceApiReference } from '../../../lib/web/api-reference-markdown.ts';
import type { OpenApiDocument } from '../../../lib/web/openapi.ts';
import { useTestWebServer } from '../../support/test-web-server.ts';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

void describe('GET /api/v1/openapi.json', () => {
  const web = useTestWebServer();
  const fetchDocument = async (): Promise<OpenApiDocument> => {
    const res = await web.server.inject('/api/v1/openapi.json');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    return JSON.parse(res.payload) as OpenApiDocument;
  };

  void test('is served without a login', async () => {
    const doc = await fetchDocument();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.title, 'Vigil API');
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(doc.paths['/api/v1/openapi.json']?.['get']?.security, []);
  });

  void test('lists every /api/v1 route of the server with its method', async () => {
    const doc = await fetchDocument();
    const routes = web.server.table().filter((route) => route.path.startsWith('/api/v1/'));
    assert.ok(routes.length >= 10, `only ${routes.length} API routes`);
    for (const route of routes) {
      assert.ok(doc.paths[route.path]?.[route.method], `${route.method.toUpperCase()} ${route.path} is not documented`);
    }
    for (const path of ['/healthz', '/readyz']) assert.deepEqual(doc.paths[path]?.['get']?.security, [], path);
  });

  void test("the samples route's Joi query schema is its query parameters", async () => {
    const doc = await fetchDocument();
    const op = doc.paths['/api/v1/hosts/{name}/samples']?.['get'];
    assert.ok(op);
    const byName = new Map(op.parameters.map((p) => [`${p.in}:${p.name}`, p]));
    assert.deepEqual(byName.get('path:name')?.schema, { type: 'string', minLength: 1, maxLength: 255 });
    assert.equal(byName.get('path:name')?.required, true);
    assert.deepEqual(byName.get('query:maxPoints')?.schema, { type: 'integer', minimum: 2, maximum: 20000, default: DEFAULT_MAX_POINTS });
    assert.deepEqual(byName.get('query:resolution')?.schema, { type: 'string', enum: ['auto', 'raw', '1m', '1h'], default: 'auto' });
    assert.equal(byName.get('query:from')?.required, false);
    assert.match(byName.get('query:from')?.description ?? '', /ISO 8601/);
    assert.deepEqual(op.security, [{ session: [] }, { bearer: [] }]);
  });

  void test('who may call what: login is open, user admin is for admins, reading is for anyone logged in', async () => {
    const doc = await fetchDocument();
    assert.deepEqual(doc.paths['/api/v1/session']?.['post']?.security, []);
    assert.ok(doc.paths['/api/v1/session']?.['post']?.requestBody, 'the login body is described');
    assert.deepEqual(doc.paths['/api/v1/users']?.['post']?.security, [{ session: ['admin'] }, { bearer: ['admin'] }]);
    assert.deepEqual(doc.paths['/api/v1/inventory/tree']?.['get']?.security, [{ session: [] }, { bearer: [] }]);
    assert.equal(doc.paths['/api/v1/inventory/tree']?.['get']?.summary, 'Groups and hosts of the inventory');
  });

  void test("the README's API reference is this document rendered (npm run api-doc writes it)", async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const updated = replaceApiReference(readme, renderApiReference(await fetchDocument()));
    assert.ok(updated === readme, 'README.md: the API reference is out of date; run `npm run api-doc`');
  });

  void test('passes a structural check: unique operationIds, path parameters match the templates, every $ref resolves', async () => {
    const doc = await fetchDocument();
    const ids: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      assert.match(path, /^\//);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const [method, op] of Object.entries(operations)) {
        assert.ok(METHODS.has(method), `${method} ${path}`);
        assert.match(op.operationId, /^[A-Za-z][A-Za-z0-9]*$/);
        ids.push(op.operationId);
        assert.ok(Object.keys(op.responses).length > 0, `${method} ${path} has no responses`);
        assert.ok(op.tags.length > 0, `${method} ${path} has no tag`);
        const inPath = op.parameters.filter((p) => p.in === 'path');
        assert.deepEqual(inPath.map((p) => p.name).sort(), templated, `${method} ${path}`);
        assert.ok(inPath.every((p) => p.required), `${method} ${path}: path parameters are required`);
        const keys = op.parameters.map((p) => `${p.in}:${p.name}`);
        assert.equal(new Set(keys).size, keys.length, `${method} ${path} repeats a parameter`);
        for (const requirement of op.security) for (const scheme of Object.keys(requirement)) assert.ok(doc.components.securitySchemes[scheme], scheme);
      }
    }
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.join(', ')}`);
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) assert.ok(doc.components.schemas[ref ?? ''], ref);
    assert.deepEqual(doc.tags.map((t) => t.name), [...new Set(Object.values(doc.paths).flatMap((ops) => Object.values(ops).flatMap((op) => op.tags)))].sort());
  });
});
