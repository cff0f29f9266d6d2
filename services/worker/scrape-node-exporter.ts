// One HTTP GET of a node_exporter's /metrics, with the limits a poll needs: a connect timeout
// (an exporter that is gone should cost seconds, not the whole poll), a total timeout (one that
// accepts and then hangs), and a size cap (one that streams without end). Every failure is a
// PollError with one of the stable reasons, so a scrape that misses can fall back to SSH.
import http from 'node:http';
import https from 'node:https';
import { redactUrl } from '../../lib/redact-url.ts';
import { classifyConnectError } from './classify-connect-error.ts';
import { PollError } from './command-runner.ts';

export interface ScrapeLimits {
  connectTimeoutMs: number;
  /** From the request to the last byte of the body. */
  totalTimeoutMs: number;
  /** node_exporter's answer is 50-150 KB on a typical host; a body past this is not one. */
  maxBytes: number;
}

export const DEFAULT_SCRAPE_LIMITS: ScrapeLimits = { connectTimeoutMs: 2000, totalTimeoutMs: 5000, maxBytes: 8 * 1024 * 1024 };

// Kept-alive connections, as the SSH side keeps one per host: a scrape then costs no handshake.
const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 4, maxFreeSockets: 4 });

/** The body of a 200 answer, as text. */
export function scrapeNodeExporter(rawUrl: string, limits: ScrapeLimits = DEFAULT_SCRAPE_LIMITS): Promise<string> {
  const shown = redactUrl(rawUrl);
  return new Promise((resolve, reject) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const fail = (err: PollError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      clearTimeout(connectTimer);
      request.destroy();
      reject(err);
    };
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      reject(new PollError('error', `node_exporter URL ${shown} is not a URL`));
      return;
    }
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'GET',
      agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
      // The text format: an exporter that could answer in protobuf or OpenMetrics is asked not to.
      headers: { accept: 'text/plain;version=0.0.4', 'accept-encoding': 'identity' },
    });
    const totalTimer = setTimeout(() => {
      fail(new PollError('timeout-exec', `node_exporter at ${shown} did not answer within ${limits.totalTimeoutMs} ms`));
    }, limits.totalTimeoutMs);
    request.on('socket', (socket) => {
      // A kept-alive socket is connected already; a new one (DNS lookup included) gets its own limit.
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        fail(new PollError('timeout-connect', `node_exporter at ${shown}: no connection within ${limits.connectTimeoutMs} ms`));
      }, limits.connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    request.on('error', (err) => {
      fail(new PollError(classifyConnectError(err), `node_exporter at ${shown}: ${err.message}`, { cause: err }));
    });
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        fail(new PollError('protocol', `node_exporter at ${shown} answered HTTP ${response.statusCode ?? '?'}`));
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) {
        fail(tooLarge(shown, limits.maxBytes));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) fail(tooLarge(shown, limits.maxBytes));
        else chunks.push(chunk);
      });
      response.on('error', (err) => fail(new PollError('protocol', `node_exporter at ${shown}: ${err.message}`, { cause: err })));
      response.on('close', () => {
        if (!response.complete) fail(new PollError('protocol', `node_exporter at ${shown} closed the connection mid-answer`));
      });
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        resolve(Buffer.concat(chunks, size).toString('utf8'));
      });
    });
    request.end();
  });
}

function tooLarge(shown: string, maxBytes: number): PollError {
  return new PollError('output-unparseable', `node_exporter at ${shown} sent more than ${maxBytes} bytes`);
}
