import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { buildWeb } from '../../lib/web/build-web.ts';
import type { BuildWebResult } from '../../lib/web/build-web.ts';

const GZIP_BUDGET_BYTES = 150 * 1024;

void describe('buildWeb', () => {
  let outDir: string;
  let result: BuildWebResult;

  before(async () => {
    // A directory that does not exist yet: buildWeb creates it.
    outDir = path.join(await mkdtemp(path.join(tmpdir(), 'vigil-build-web-')), 'dist');
    result = await buildWeb({ outDir });
  });

  after(async () => {
    if (outDir) await rm(path.dirname(outDir), { recursive: true, force: true });
  });

  void test('writes the page, the bundle with its source map, and both stylesheets', async () => {
    const names = ['app.css', 'app.js', 'app.js.map', 'index.html', 'uplot.css'];
    assert.deepEqual(result.files, names.map((n) => path.join(outDir, n)));
    assert.deepEqual((await readdir(outDir)).sort(), names);
    let total = 0;
    for (const file of result.files) total += (await stat(file)).size;
    assert.equal(result.bytes, total);
  });

  void test('app.js is an ES module that links its source map and holds lit and uplot', async () => {
    const js = await readFile(path.join(outDir, 'app.js'), 'utf8');
    assert.match(js, /\/\/# sourceMappingURL=app\.js\.map\s*$/);
    assert.match(js, /customElements\.define\("vigil-app"/);
    assert.match(js, /customElements\.define\("vigil-chart"/);
    assert.match(js, /uplot/); // uPlot's CSS class prefix, "u-" classes and the "uplot" root class
    const map = JSON.parse(await readFile(path.join(outDir, 'app.js.map'), 'utf8')) as { sources: string[] };
    assert.ok(map.sources.some((s) => s.endsWith('web/src/vigil-app.ts')));
  });

  void test(`app.js stays under the ${GZIP_BUDGET_BYTES / 1024} KB gzipped budget`, async () => {
    const gzipped = gzipSync(await readFile(path.join(outDir, 'app.js')), { level: 9 }).byteLength;
    assert.equal(result.appJsGzipBytes, gzipped);
    assert.ok(gzipped < GZIP_BUDGET_BYTES, `app.js is ${gzipped} bytes gzipped`);
  });

  void test('is deterministic: a second build into the same directory gives the same bytes', async () => {
    const before = await readFile(path.join(outDir, 'app.js'));
    const again = await buildWeb({ outDir });
    assert.equal(again.bytes, result.bytes);
    assert.deepEqual(await readFile(path.join(outDir, 'app.js')), before);
    // No temporary files left behind.
    assert.equal((await readdir(outDir)).length, 5);
  });

  void test('minify: false gives a larger, readable bundle', async () => {
    const devDir = path.join(path.dirname(outDir), 'dev');
    const dev = await buildWeb({ outDir: devDir, minify: false });
    assert.ok(dev.bytes > result.bytes);
    const js = await readFile(path.join(devDir, 'app.js'), 'utf8');
    assert.match(js, /var VigilApp = class extends /);
  });
});
