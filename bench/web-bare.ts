// The bare baselines of the dashboard benchmark (bench/web.ts): the least a page could do for the
// same result, bundled with the dashboard's own esbuild options and served by a minimal node:http
// server on loopback, so that each Vigil figure is read as a ratio against one from the same run.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/paths.ts';

/** The same options as lib/web/build-web.ts, so that the sizes compare like for like. */
async function bundle(source: string): Promise<Uint8Array> {
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    stdin: { contents: source, resolveDir: PROJECT_ROOT, sourcefile: 'bare.ts', loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error('esbuild wrote nothing');
  return out.contents;
}

/** Lit and uPlot, each imported and used once: what any dashboard built on them ships at least. */
const LIT_AND_UPLOT = `
import { LitElement, css, html } from 'lit';
import uPlot from 'uplot';
class BareChart extends LitElement {
  static styles = css\`:host { display: block; }\`;
  render() { return html\`<div class="plot">\${'bare'}</div>\`; }
  firstUpdated() {
    const target = this.renderRoot.querySelector('div');
    if (target) new uPlot({ width: 200, height: 100, series: [{}, { stroke: 'red' }] }, [[0, 1], [0, 1]], target);
  }
}
customElements.define('bare-chart', BareChart);
`;

export async function bareJsGzipBytes(): Promise<number> {
  return gzipSync(await bundle(LIT_AND_UPLOT), { level: 9 }).byteLength;
}

const ROW_PAGE_JS = `
const row = document.createElement('div');
row.className = 'row';
row.textContent = 'up  fleet-0000  web, eu-west  12.0 %  41.3 %  60.0 %';
document.body.append(row);
`;

/**
 * Draws as many uPlot charts as the page's query string says (?series=3,2,…&width=…), each with
 * that many series taken in turn from the number columns of samples.json: the same answer the
 * dashboard's host page drew, the same points per chart. data-draw-ms on <body> marks the end,
 * set a macrotask after the last chart, as the host page sets its own.
 */
const CHARTS_PAGE_JS = `
import uPlot from 'uplot';
const params = new URLSearchParams(location.search);
const seriesPerChart = (params.get('series') ?? '1').split(',').map(Number);
const width = Number(params.get('width') ?? '600');
const response = await fetch('samples.json');
const started = performance.now();
const data = await response.json();
const ts = data.ts;
const columns = Object.entries(data).filter(([key, v]) => key !== 'ts' && Array.isArray(v) && v.length === ts.length).map(([, v]) => v);
const grid = document.getElementById('charts');
let next = 0;
for (const count of seriesPerChart) {
  const target = document.createElement('div');
  grid.append(target);
  const series = [{}];
  const aligned = [ts];
  for (let i = 0; i < count; i++) {
    series.push({ label: 's' + i, stroke: 'hsl(' + (i * 67) % 360 + ' 60% 45%)', width: 1.5 });
    aligned.push(columns[next++ % columns.length]);
  }
  new uPlot({ width, height: 170, series, scales: { x: { time: true } } }, aligned, target);
}
await new Promise((resolve) => setTimeout(resolve, 0));
document.body.dataset.drawMs = (performance.now() - started).toFixed(1);
`;

function scrollPageHtml(rows: number): string {
  const items = Array.from({ length: rows }, (_, i) => `<div class="row">up fleet-${String(i).padStart(4, '0')} web 12.0 % 41.3 % 60.0 %</div>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; font: 14px system-ui, sans-serif; }
    .viewport { height: 630px; overflow-y: auto; }
    .row { height: 36px; line-height: 36px; border-bottom: 1px solid #ddd; box-sizing: border-box; }
  </style></head><body><div class="viewport">${items}</div></body></html>`;
}

export interface BareServer {
  url: string;
  close(): Promise<void>;
}

interface Served {
  type: string;
  body: string | Uint8Array;
}

/** Serves the bare pages; samples.json is the dashboard's own series answer, passed in. */
export async function startBareServer(options: { samplesJson: string; uplotCss: Uint8Array; scrollRows: number }): Promise<BareServer> {
  const files = new Map<string, Served>([
    ['/row.html', { type: 'text/html', body: '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="row.js"></script></head><body></body></html>' }],
    ['/row.js', { type: 'text/javascript', body: ROW_PAGE_JS }],
    [
      '/charts.html',
      {
        type: 'text/html',
        body: '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="uplot.css"><style>#charts{display:grid;grid-template-columns:repeat(2,1fr);gap:1rem}</style><script type="module" src="charts.js"></script></head><body><div id="charts"></div></body></html>',
      },
    ],
    ['/charts.js', { type: 'text/javascript', body: await bundle(CHARTS_PAGE_JS) }],
    ['/uplot.css', { type: 'text/css', body: options.uplotCss }],
    ['/samples.json', { type: 'application/json', body: options.samplesJson }],
    ['/scroll.html', { type: 'text/html', body: scrollPageHtml(options.scrollRows) }],
  ]);
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
