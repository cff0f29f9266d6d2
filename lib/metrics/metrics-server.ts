// The /metrics endpoint of a service without a web server of its own (scheduler, worker,
// writer, ...): a bare node:http server, so that a scrape costs no framework and the service
// no dependency. The web server serves the same text through a hapi route instead.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log.ts';

/** Each service its own default, so that one of each can run on one host without configuration. */
export const DEFAULT_METRICS_PORTS = {
  scheduler: 9464,
  worker: 9465,
  writer: 9466,
  evaluator: 9467,
  alerter: 9468,
} as const;

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  /** 0: a free port (logged). */
  port: number;
  /**
   * When the port is taken, listen on a free one (with a warning) instead of failing: for a
   * service's default port, which a second instance on the same host would otherwise collide on.
   * A port the operator chose should fail loudly, so this is false for it.
   */
  freePortIfTaken?: boolean;
  log: Logger;
}

export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { registry, log } = options;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        log.error('collecting metrics failed', { error });
        response.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  // A scraper that vanishes mid-request must not leave the server with an 'error' nobody handles.
  server.on('clientError', (_error, socket) => socket.destroy());

  let port: number;
  try {
    port = await listen(server, options.host, options.port);
  } catch (error) {
    if (!(options.freePortIfTaken && isAddressInUse(error))) {
      throw new Error(`cannot serve /metrics on ${options.host}:${options.port}: ${(error as Error).message}`, { cause: error });
    }
    port = await listen(server, options.host, 0);
    log.warn('metrics port taken (another Vigil service on this host?): serving /metrics on a free port instead; set VIGIL_METRICS_PORT to choose', {
      wanted: options.port,
      port,
    });
  }
  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/metrics`;
  log.info('serving metrics', { url });
  return {
    port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Prometheus keeps its connection alive between scrapes; close() alone would wait for it.
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}
