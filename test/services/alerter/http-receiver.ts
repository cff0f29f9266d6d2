// A real HTTP server on a loopback port that records every POST, answering each with the
// status `answer` chooses (200 unless told otherwise), to play a webhook receiver.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  body: unknown;
  contentType: string;
  /** Every request header, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  status: number;
  receivedAt: number;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Which status to answer a request on `path` with, given how many came to that path before. */
  answer: (path: string, earlier: number) => number;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const receiver: HttpReceiver = {
    url: '',
    requests: [],
    answer: () => 200,
    close: async () => {},
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const earlier = receiver.requests.filter((r) => r.path === path).length;
      const status = receiver.answer(path, earlier);
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      receiver.requests.push({ path, body, contentType: String(request.headers['content-type']), headers: { ...request.headers }, status, receivedAt: Date.now() });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver is broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
