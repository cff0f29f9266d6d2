// Bundles the dashboard (Lit + uPlot) into a directory the web server serves as is.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../paths.ts';

export interface BuildWebOptions {
  outDir: string;
  /** Default true. */
  minify?: boolean;
}

export interface BuildWebResult {
  /** Absolute paths of the files written. */
  files: string[];
  /** Their total size. */
  bytes: number;
  /** app.js gzipped at level 9, what a browser downloads from a compressing proxy: the size budget's measure. */
  appJsGzipBytes: number;
}

const WEB_DIR = path.join(PROJECT_ROOT, 'web');

export async function buildWeb(options: BuildWebOptions): Promise<BuildWebResult> {
  const outDir = path.resolve(options.outDir);
  const minify = options.minify ?? true;
  const require = createRequire(import.meta.url);

  const bundle = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [path.join(WEB_DIR, 'src', 'main.ts')],
    outfile: path.join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
    minify,
    sourcemap: 'linked',
    legalComments: 'eof',
    charset: 'utf8',
    write: false,
    logLevel: 'silent',
  });

  const outputs: { file: string; contents: Uint8Array }[] = bundle.outputFiles.map((f) => ({ file: f.path, contents: f.contents }));
  const copies: [string, string][] = [
    [path.join(WEB_DIR, 'index.html'), 'index.html'],
    [path.join(WEB_DIR, 'src', 'app.css'), 'app.css'],
    [require.resolve('uplot/dist/uPlot.min.css'), 'uplot.css'],
  ];
  for (const [from, name] of copies) {
    outputs.push({ file: path.join(outDir, name), contents: await readFile(from) });
  }

  await mkdir(outDir, { recursive: true });
  // Each file lands whole (write aside, then rename), so a server running from outDir never sends half a file.
  await Promise.all(outputs.map(({ file, contents }) => writeFileAtomically(file, contents)));

  const appJs = outputs.find((o) => path.basename(o.file) === 'app.js');
  if (appJs === undefined) throw new Error('esbuild wrote no app.js');
  return {
    files: outputs.map((o) => o.file).sort(),
    bytes: outputs.reduce((sum, o) => sum + o.contents.byteLength, 0),
    appJsGzipBytes: gzipSync(appJs.contents, { level: 9 }).byteLength,
  };
}

async function writeFileAtomically(file: string, contents: Uint8Array): Promise<void> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, file);
}
