// npm run api-doc: writes the README's "API reference" section from the OpenAPI document the
// web server builds from its routes. `--check` only compares, and fails when the README is out
// of date (test/services/web/openapi-routes.test.ts checks the same in `npm test`).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../lib/db/database.ts';
import { silentLogger } from '../lib/log.ts';
import { PROJECT_ROOT } from '../lib/paths.ts';
import { vigilApiInfo } from '../lib/web/api-info.ts';
import { renderApiReference, replaceApiReference } from '../lib/web/api-reference-markdown.ts';
import { buildOpenApiDocument } from '../lib/web/openapi.ts';
import { createWebServer } from '../services/web/web-server.ts';

const README = path.join(PROJECT_ROOT, 'README.md');

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  // Routes are only registered, never called, so the database is never connected to: a pool
  // connects on its first query.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ host: '127.0.0.1', port: 1 }) }) });
  const server = await createWebServer({ db, host: '127.0.0.1', port: 0, staticDir: path.join(PROJECT_ROOT, 'web', 'dist'), log: silentLogger });
  const section = renderApiReference(buildOpenApiDocument(server, vigilApiInfo()));
  await db.destroy();
  const readme = await readFile(README, 'utf8');
  const updated = replaceApiReference(readme, section);
  if (check) {
    if (updated !== readme) {
      console.error('README.md: the API reference is out of date; run `npm run api-doc`');
      process.exitCode = 1;
    }
    return;
  }
  if (updated !== readme) await writeFile(README, updated);
  console.log(updated === readme ? 'README.md: the API reference is up to date' : 'README.md: API reference written');
}

await main();
