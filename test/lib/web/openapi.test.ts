import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import Hapi from '@hapi/hapi';
import type { Server } from '@hapi/hapi';
import Joi from 'joi';
import { buildOpenApiDocument, operationIdFor } from '../../../lib/web/openapi.ts';
import type { OpenApiDocument } from '../../../lib/web/openapi.ts';

const INFO = { title: 'Test API', version: '1.2.3' };

// A small server of its own, with an auth scheme as the default strategy, so that each
// route setting the document reads can be set here on purpose.
async function testServer(): Promise<Server> {
  const server = Hapi.server();
  server.auth.scheme('test', () => ({ authenticate: (_request, h) => h.authenticated({ credentials: { scope: ['viewer'] } }) }));
  server.auth.strategy('test', 'test');
  server.auth.default('test');
  const ok = () => ({ ok: true });
  server.route([
    {
      method: 'GET',
      path: '/api/v1/things',
      options: {
        description: 'List things',
        notes: ['Newest first.', 'At most limit of them.'],
        tags: ['api', 'things'],
        validate: {
          query: Joi.object({
            limit: Joi.number().integer().min(1).max(100).default(20).description('How many'),
            state: Joi.string().valid('open', 'closed'),
            host: Joi.string().max(255).required(),
          }),
        },
      },
      handler: ok,
    },
    {
      method: 'POST',
      path: '/api/v1/things',
      options: {
        auth: { access: { scope: 'admin' } },
        validate: { payload: Joi.object({ name: Joi.string().max(50).required(), size: Joi.number().integer() }) },
      },
      handler: ok,
    },
    {
      method: 'GET',
      path: '/api/v1/things/{id}/parts/{part?}',
      options: { validate: { params: Joi.object({ id: Joi.number().integer().min(1).required(), part: Joi.string() }) } },
      handler: ok,
    },
    { method: 'DELETE', path: '/api/v1/things/{id}', options: { id: 'removeThing' }, handler: ok },
    { method: 'POST', path: '/api/v1/login', options: { auth: false, validate: { payload: Joi.object({ name: Joi.string().required() }) } }, handler: ok },
    { method: 'GET', path: '/api/v1/peek', options: { auth: { mode: 'optional' } }, handler: ok },
    { method: 'GET', path: '/healthz', options: { auth: false }, handler: ok },
    { method: 'GET', path: '/{path*}', options: { auth: false }, handler: ok },
  ]);
  return server;
}

void describe('buildOpenApiDocument', () => {
  let doc: OpenApiDocument;
  before(async () => {
    doc = buildOpenApiDocument(await testServer(), INFO);
  });

  void test('an OpenAPI 3.1 document listing every route but catch-alls', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.info, INFO);
    assert.deepEqual(Object.keys(doc.paths).sort(), ['/api/v1/login', '/api/v1/peek', '/api/v1/things', '/api/v1/things/{id}', '/api/v1/things/{id}/parts/{part}', '/healthz']);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/things'] ?? {}).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'session']);
    assert.equal(doc.components.securitySchemes['session']?.['name'], 'vigil_session');
  });

  void test('a Joi query schema becomes query parameters with their types, limits, defaults and descriptions', () => {
    const op = doc.paths['/api/v1/things']?.['get'];
    assert.equal(op?.summary, 'List things');
    assert.equal(op?.description, 'Newest first.\n\nAt most limit of them.');
    assert.deepEqual(op?.tags, ['things']);
    assert.deepEqual(op?.parameters, [
      { name: 'limit', in: 'query', required: false, description: 'How many', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
      { name: 'state', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'closed'] } },
      { name: 'host', in: 'query', required: true, schema: { type: 'string', minLength: 1, maxLength: 255 } },
    ]);
    assert.deepEqual(Object.keys(op?.responses ?? {}).sort(), ['2XX', '400', '401']);
  });

  void test('path parameters from the path, typed by the params schema; optional ones become plain', () => {
    const op = doc.paths['/api/v1/things/{id}/parts/{part}']?.['get'];
    assert.deepEqual(op?.parameters, [
      { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } },
      { name: 'part', in: 'path', required: true, schema: { type: 'string', minLength: 1 } },
    ]);
    assert.ok(op?.responses['404']);
    // Without a params schema the name is still a parameter: a non-empty string.
    const del = doc.paths['/api/v1/things/{id}']?.['delete'];
    assert.deepEqual(del?.parameters[0], { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1 } });
  });

  void test('a JSON body from the payload schema; the admin scope is in the security requirements', () => {
    const op = doc.paths['/api/v1/things']?.['post'];
    assert.deepEqual(op?.requestBody, {
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { name: { type: 'string', minLength: 1, maxLength: 50 }, size: { type: 'integer' } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      },
    });
    assert.deepEqual(op?.security, [{ session: ['admin'] }, { bearer: ['admin'] }]);
    assert.deepEqual(op?.['x-vigil-scopes'], ['admin']);
    assert.ok(op?.responses['403']);
    assert.ok(op?.parameters.some((p) => p.in === 'header' && p.name === 'x-csrf-token'), 'a cookie write needs the CSRF header');
  });

  void test('security: any login by default, none with auth: false, optional with mode optional', () => {
    assert.deepEqual(doc.paths['/api/v1/things']?.['get']?.security, [{ session: [] }, { bearer: [] }]);
    assert.deepEqual(doc.paths['/api/v1/login']?.['post']?.security, []);
    assert.equal(doc.paths['/api/v1/login']?.['post']?.responses['401'], undefined);
    assert.ok(!doc.paths['/api/v1/login']?.['post']?.parameters.some((p) => p.name === 'x-csrf-token'));
    assert.deepEqual(doc.paths['/api/v1/peek']?.['get']?.security, [{ session: [] }, { bearer: [] }, {}]);
    assert.deepEqual(doc.paths['/healthz']?.['get']?.security, []);
  });

  void test('operationIds are unique: the route id when it has one, else made from method and path', () => {
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(doc.paths['/api/v1/things/{id}']?.['delete']?.operationId, 'removeThing');
    assert.equal(doc.paths['/api/v1/things/{id}/parts/{part}']?.['get']?.operationId, 'getThingsByIdPartsByPart');
    assert.equal(operationIdFor('get', '/api/v1/hosts/{name}/samples'), 'getHostsByNameSamples');
    assert.equal(operationIdFor('post', '/api/v1/alerts/{key}/ack'), 'postAlertsByKeyAck');
    assert.equal(operationIdFor('get', '/healthz'), 'getHealthz');
  });

  void test('a server without any auth strategy documents every route as open', async () => {
    const server = Hapi.server();
    server.route({ method: 'GET', path: '/api/v1/open', handler: () => 'ok' });
    const open = buildOpenApiDocument(server, INFO);
    assert.deepEqual(open.paths['/api/v1/open']?.['get']?.security, []);
    assert.deepEqual(open.paths['/api/v1/open']?.['get']?.tags, ['open']);
  });
});
