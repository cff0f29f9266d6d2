// A Server-Sent Events reader over plain node:http, for tests against a started server: it
// records every event and comment with the time it arrived.
import http from 'node:http';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { waitFor } from './wait-for.ts';

export interface SseMessage {
  /** 'comment' for a `:` line, else the event's type ('message' when it names none). */
  type: string;
  data: string;
  receivedAt: number;
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  messages: SseMessage[];
  /** True once the server ended the response. */
  ended(): boolean;
  /** The first message from index `from` on that `match` accepts. */
  next(what: string, match: (message: SseMessage) => boolean, from?: number, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const messages: SseMessage[] = [];
  let ended = false;
  const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  request.on('error', () => {});
  const body: Readable = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
  let buffer = '';
  body.setEncoding('utf8');
  body.on('data', (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const receivedAt = Date.now();
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) messages.push({ type: 'comment', data: line.slice(1).trim(), receivedAt });
        else if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length > 0) messages.push({ type, data: data.join('\n'), receivedAt });
    }
  });
  body.on('end', () => (ended = true));
  body.on('error', () => {});
  response.on('error', () => {});
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    messages,
    ended: () => ended,
    next: (what, match, from = 0, timeoutMs = 15_000) =>
      waitFor(what, timeoutMs, () => messages.slice(from).find(match), 5),
    close: () => request.destroy(),
  };
}
