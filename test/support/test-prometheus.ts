// Debian's real Prometheus server on a loopback port, scraping what a test points it at: the
// proof that Vigil's exposition is what a Prometheus user's server reads.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './sshd.ts';
import { waitFor } from './wait-for.ts';

const PROMETHEUS = '/usr/bin/prometheus';

export interface PrometheusVectorSample {
  metric: Record<string, string>;
  value: number;
}

export interface TestPrometheus {
  url: string;
  /** An instant query through the HTTP API. */
  query(expr: string): Promise<PrometheusVectorSample[]>;
  close(): Promise<void>;
}

/** Starts Prometheus with `scrapeConfigs` (YAML text of the scrape_configs list) and a 1 s scrape interval. */
export async function startTestPrometheus(scrapeConfigs: string): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-prometheus-'));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n${scrapeConfigs}`);
  const child = spawn(PROMETHEUS, [
    `--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
  ], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${code ?? signal})`)));
  const ready = waitFor(`Prometheus on ${url}`, 30_000, async () => {
    const response = await fetch(`${url}/-/ready`).catch(() => null);
    if (response === null) return undefined;
    await response.arrayBuffer();
    return response.ok ? true : undefined;
  }, 100);
  const outcome = await Promise.race([ready, spawnError, exited]);
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  };
  if (outcome !== true) {
    await close();
    const why = outcome instanceof Error ? `${outcome.message} (apt-get install -y prometheus)` : outcome;
    throw new Error(`Prometheus did not start on ${url}: ${why}; stderr: ${output}`);
  }
  return {
    url,
    query: async (expr) => {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`Prometheus query ${expr}: ${body.error ?? response.status}`);
      return (body.data?.result ?? []).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    close,
  };
}
