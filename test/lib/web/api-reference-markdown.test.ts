import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Hapi from '@hapi/hapi';
import Joi from 'joi';
import { END_MARKER, renderApiReference, replaceApiReference, START_MARKER, typeText } from '../../../lib/web/api-reference-markdown.ts';
import { buildOpenApiDocument } from '../../../lib/web/openapi.ts';

function testDocument() {
  const server = Hapi.server();
  server.auth.scheme('test', () => ({ authenticate: (_request, h) => h.authenticated({ credentials: {} }) }));
  server.auth.strategy('test', 'test');
  server.auth.default('test');
  server.route([
    {
      method: 'GET',
      path: '/api/v1/things',
      options: {
        description: 'List things',
        notes: 'Newest\nfirst | really.',
        validate: { query: Joi.object({ limit: Joi.number().integer().min(1).max(100).default(20).description('How many | at most') }) },
      },
      handler: () => [],
    },
    {
      method: 'POST',
      path: '/api/v1/things',
      options: { auth: { access: { scope: 'admin' } }, validate: { payload: Joi.object({ name: Joi.string().max(50).required(), kind: Joi.string().valid('a', 'b') }) } },
      handler: () => ({}),
    },
    { method: 'GET', path: '/healthz', options: { auth: false }, handler: () => 'ok' },
  ]);
  return buildOpenApiDocument(server, { title: 'T', version: '1', description: 'Intro.' });
}

void describe('renderApiReference', () => {
  const section = renderApiReference(testDocument());

  void test('one table per tag with method, path, who may call it and what it does', () => {
    assert.ok(section.startsWith(`${START_MARKER}\n## API reference\n\nIntro.`));
    assert.ok(section.endsWith(END_MARKER));
    assert.match(section, /### things\n\n\| method \| path \| who \| what \|\n\|---\|---\|---\|---\|\n\| GET \| `\/api\/v1\/things` \| logged in \| List things \|\n\| POST \| `\/api\/v1\/things` \| admin \|  \|/);
    assert.match(section, /### service\n[\s\S]*\| GET \| `\/healthz` \| anyone \|/);
  });

  void test('parameters and body fields with their types; notes on one line, | escaped', () => {
    assert.match(section, /\*\*GET `\/api\/v1\/things`\*\* List things\.\n\nNewest first \| really\.\n/);
    assert.ok(section.includes('| `limit` | query | integer 1–100, default 20 |  | How many \\| at most |'), section);
    assert.ok(section.includes('| `name` | body | string 1–50 chars | yes |  |'), section);
    assert.ok(section.includes('| `kind` | body | one of "a", "b" |  |  |'), section);
  });

  void test('typeText', () => {
    assert.equal(typeText({ type: 'array', items: { type: 'string', maxLength: 9 } }), 'array of string ≤ 9 chars');
    assert.equal(typeText({ anyOf: [{ type: 'number' }, { enum: [''] }] }), 'number or one of ""');
    assert.equal(typeText({ type: ['string', 'null'] }), 'string or null');
    assert.equal(typeText({}), 'any');
  });
});

void describe('replaceApiReference', () => {
  void test('replaces what is between the markers, and only that; adds the section when there are none', () => {
    const readme = `# Title\n\ntext\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## After\n`;
    const replaced = replaceApiReference(readme, `${START_MARKER}\nnew\n${END_MARKER}`);
    assert.equal(replaced, `# Title\n\ntext\n\n${START_MARKER}\nnew\n${END_MARKER}\n\n## After\n`);
    assert.equal(replaceApiReference(replaced, `${START_MARKER}\nnew\n${END_MARKER}`), replaced);
    assert.equal(replaceApiReference('# Title\n', `${START_MARKER}\nx\n${END_MARKER}`), `# Title\n\n${START_MARKER}\nx\n${END_MARKER}\n`);
  });
});
