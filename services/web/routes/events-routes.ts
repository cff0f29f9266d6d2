// GET /api/v1/events: the live stream (Server-Sent Events) the dashboard keeps open. One change
// feed per server fans out to every open stream; each event is formatted once for all of them.
// A stream lives only as long as the login it was opened with: every few seconds the logins of
// all open streams are checked at once, and a stream whose login ended is closed.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import type { VigilDb } from '../../../lib/db/database.ts';
import type { Logger } from '../../../lib/log.ts';
import type { LiveEvent } from '../../../lib/web/live-event.ts';
import { createChangeFeed } from '../change-feed.ts';
import { EventStream, formatComment, formatEvent } from '../event-stream.ts';
import { selectEndedLogins, streamLoginOf, type StreamLogin } from '../stream-logins.ts';

export interface EventsRoutesOptions {
  db: VigilDb;
  log: Logger;
  /** Pause between two looks at the database while a stream is open. Default 400 ms. */
  feedEveryMs?: number;
  /** A comment line this often keeps proxies from closing a quiet stream. Default 15 s. */
  heartbeatMs?: number;
  /** Bytes a client may fall behind before it is dropped. Default 1 MiB. */
  maxBufferedBytes?: number;
  /** How often the logins of open streams are checked. Default 2 s. */
  loginCheckMs?: number;
  /** The clock sessions and tokens expire by; tests move it. */
  now?: () => number;
}

/** How long EventSource waits before reconnecting after the stream ends. */
const RECONNECT_MS = 3000;

export const eventsRoutes: Plugin<EventsRoutesOptions> = {
  name: 'vigil-events-routes',
  register(server, options) {
    const { log } = options;
    const heartbeatMs = options.heartbeatMs ?? 15_000;
    const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
    const loginCheckMs = options.loginCheckMs ?? 2000;
    const now = options.now ?? Date.now;
    const feed = createChangeFeed({ db: options.db, log, ...(options.feedEveryMs === undefined ? {} : { everyMs: options.feedEveryMs }) });
    const streams = new Set<EventStream>();
    let unsubscribe: (() => void) | null = null;
    let heartbeat: NodeJS.Timeout | null = null;
    const logins = new Map<EventStream, StreamLogin>();
    let loginCheck: NodeJS.Timeout | null = null;
    /** The check under way, awaited when the server stops. */
    let checkingLogins: Promise<void> | null = null;
    let stopping = false;

    const broadcast = (events: LiveEvent[]): void => {
      const text = events.map((event) => formatEvent(event.type, event.data)).join('');
      for (const stream of streams) stream.sendText(text);
    };

    const checkLogins = (): void => {
      if (checkingLogins !== null || logins.size === 0) return;
      checkingLogins = endStreamsOfEndedLogins().finally(() => (checkingLogins = null));
    };

    const endStreamsOfEndedLogins = async (): Promise<void> => {
      try {
        const open = [...logins];
        const ended = await selectEndedLogins(options.db, open.map(([, login]) => login), now());
        for (const [stream, login] of open) {
          if (!ended.has(login)) continue;
          // The browser reconnects, gets a 401 and shows the login form.
          stream.sendText(formatComment('login ended'));
          stream.end();
          logins.delete(stream);
        }
      } catch (error) {
        log.warn('checking the logins of live streams failed; retrying', { error });
      }
    };

    const add = (stream: EventStream, login: StreamLogin | null): void => {
      streams.add(stream);
      if (login !== null) logins.set(stream, login);
      unsubscribe ??= feed.subscribe(broadcast);
      heartbeat ??= setInterval(() => {
        const text = formatComment('keepalive');
        for (const s of streams) s.sendText(text);
      }, heartbeatMs);
      loginCheck ??= setInterval(checkLogins, loginCheckMs);
    };

    const remove = (stream: EventStream): void => {
      streams.delete(stream);
      logins.delete(stream);
      if (streams.size > 0) return;
      unsubscribe?.();
      unsubscribe = null;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      if (loginCheck) clearInterval(loginCheck);
      loginCheck = null;
    };

    // Open streams never finish by themselves: without this, server.stop() would wait out its
    // whole timeout for them.
    server.ext('onPreStop', async () => {
      stopping = true;
      for (const stream of [...streams]) stream.end();
      if (loginCheck) clearInterval(loginCheck);
      loginCheck = null;
      await checkingLogins;
      await feed.stop();
    });

    server.route({
      method: 'GET',
      path: '/api/v1/events',
      options: {
        description: 'The live stream of changes (Server-Sent Events)',
        notes:
          'text/event-stream. Event "samples": {hosts: [{name, ts}]} for hosts with newly stored samples; "host": {name, status, statusReason, statusMessage} when a status changes; "alert": an alert as GET /api/v1/alerts shows it, when it fires, resolves or is acknowledged. A comment line every 15 s. Changes stored before the comment ": ready" are not sent: read them from the API. The stream ends within a few seconds of its login ending (logout, expiry, a changed password, a revoked token).',
        tags: ['events'],
        validate: { query: Joi.object({}) },
        timeout: { socket: false },
      },
      handler: (request, h) => {
        if (stopping) {
          return h.response({ statusCode: 503, error: 'Service Unavailable', message: 'the server is stopping; reconnect in a moment' }).code(503);
        }
        const stream = new EventStream({
          maxBufferedBytes,
          onOverflow: () => log.warn('dropped a live stream client that fell too far behind', { maxBufferedBytes }),
        });
        stream.on('close', () => remove(stream));
        // hapi destroys the stream when the client goes; errors after that are of no interest.
        stream.on('error', () => {});
        add(stream, streamLoginOf(request));
        stream.sendText(`retry: ${RECONNECT_MS}\n${formatComment('connected')}`);
        // From here on every change is streamed; what came before, the client reads from the API.
        void feed.whenReady().then(() => stream.sendText(formatComment('ready')));
        return h
          .response(stream)
          .type('text/event-stream')
          .header('cache-control', 'no-cache, no-transform')
          .header('x-accel-buffering', 'no');
      },
    });
  },
};
