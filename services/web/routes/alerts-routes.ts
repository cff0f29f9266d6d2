// The alerting API: alerts (active and their history), acknowledgements, silences, and the
// notification outbox, so that what was sent, retried or given up can be seen.
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { parseDuration } from '../../../lib/alerting/alerts-file.ts';
import { redactUrl } from '../../../lib/alerting/notify/send-webhook.ts';
import type { VigilDb } from '../../../lib/db/database.ts';
import { ackAlert } from '../../../lib/db/queries/ack-alert.ts';
import { expireSilence } from '../../../lib/db/queries/expire-silence.ts';
import { insertSilence } from '../../../lib/db/queries/insert-silence.ts';
import { listAlertHistory } from '../../../lib/db/queries/list-alert-history.ts';
import { listActiveAlerts } from '../../../lib/db/queries/list-alerts.ts';
import { listNotifications } from '../../../lib/db/queries/list-notifications.ts';
import { listSilences } from '../../../lib/db/queries/list-silences.ts';
import type { StoredNotification } from '../../../lib/db/queries/stored-notification.ts';
import { toApiSilence } from '../../../lib/web/api-silence.ts';
import { toApiAlert } from '../../../lib/web/api-alert.ts';
import { ADMIN_ONLY, credentialsOf } from '../auth/auth-plugin.ts';

export interface AlertsRoutesOptions {
  db: VigilDb;
  /** The clock silences are measured from; tests pin it. */
  now?: () => number;
}

const MAX_SILENCE_MS = 366 * 86_400_000;

const name = Joi.string().trim().min(1).max(255);
const person = Joi.string().trim().min(1).max(100);
const comment = Joi.string().trim().max(2000);

/** A point in time as milliseconds since the epoch or ISO 8601 text, converted to milliseconds. */
const instant = Joi.any()
  .custom((value: unknown, helpers) => {
    let ms = NaN;
    if (typeof value === 'number') ms = value;
    else if (typeof value === 'string' && /^\d+$/.test(value.trim())) ms = Number(value.trim());
    else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) ms = Date.parse(value.trim());
    if (!Number.isSafeInteger(ms) || ms < 0) return helpers.error('any.invalid');
    return ms;
  })
  .messages({ 'any.invalid': '{{#label}} must be an ISO 8601 date or milliseconds since the epoch' });

const duration = Joi.string()
  .trim()
  .max(20)
  .custom((value: string, helpers) => {
    const ms = parseDuration(value);
    return ms === null || ms <= 0 ? helpers.error('any.invalid') : ms;
  })
  .messages({ 'any.invalid': '{{#label}} must be a duration such as 30m, 2h or 1d' });

const notFound = (message: string) => ({ statusCode: 404, error: 'Not Found', message });

export const alertsRoutes: Plugin<AlertsRoutesOptions> = {
  name: 'vigil-alerts-routes',
  register(server, options) {
    const { db } = options;
    const now = options.now ?? Date.now;

    server.route({
      method: 'GET',
      path: '/api/v1/alerts',
      options: {
        description: 'Active alerts, or the alert history',
        validate: {
          query: Joi.object({
            state: Joi.string().valid('active', 'history').default('active'),
            host: name,
            key: Joi.string().min(1).max(1000),
            limit: Joi.number().integer().min(1).max(5000).default(200),
            // History paging: entries older than this id (the last id of the page before).
            before: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER),
          }),
        },
      },
      handler: async (request) => {
        const query = request.query as { state: 'active' | 'history'; host?: string; key?: string; limit: number; before?: number };
        if (query.state === 'active') {
          let alerts = await listActiveAlerts(db);
          if (query.host !== undefined) alerts = alerts.filter((a) => a.host === query.host);
          if (query.key !== undefined) alerts = alerts.filter((a) => a.key === query.key);
          return { alerts: alerts.slice(0, query.limit).map(toApiAlert) };
        }
        const history = await listAlertHistory(db, {
          limit: query.limit,
          ...(query.host !== undefined ? { host: query.host } : {}),
          ...(query.key !== undefined ? { key: query.key } : {}),
          ...(query.before !== undefined ? { beforeId: query.before } : {}),
        });
        return { history: history.map((item) => ({ ...item, at: new Date(item.at).toISOString() })) };
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/alerts/{key}/ack',
      options: {
        description: 'Acknowledge a firing alert',
        // Acknowledging and silencing change what people get told: admins only.
        auth: ADMIN_ONLY,
        validate: {
          params: Joi.object({ key: Joi.string().min(1).max(1000).required() }),
          // "by" is accepted for older clients and ignored: the acting user is whoever is logged in.
          payload: Joi.object({ by: person, comment: comment.allow('').default('') }),
        },
      },
      handler: async (request, h) => {
        const { key } = request.params as { key: string };
        const { comment: text } = request.payload as { comment: string };
        const result = await ackAlert(db, key, { by: credentialsOf(request).user.name, comment: text, at: now() });
        if (result.ok) return { alert: toApiAlert(result.alert) };
        if (result.reason === 'not-found') return h.response(notFound(`no alert with key ${JSON.stringify(key)}`)).code(404);
        return h.response({ statusCode: 409, error: 'Conflict', message: `alert ${JSON.stringify(key)} is not firing; only a firing alert can be acknowledged` }).code(409);
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/silences',
      options: {
        description: 'List silences',
        validate: {
          query: Joi.object({ state: Joi.string().valid('active', 'all').default('all'), limit: Joi.number().integer().min(1).max(5000).default(500) }),
        },
      },
      handler: async (request) => {
        const { state, limit } = request.query as { state: 'active' | 'all'; limit: number };
        const at = now();
        const silences = await listSilences(db, { limit, ...(state === 'active' ? { activeAt: at } : {}) });
        return { silences: silences.map((silence) => toApiSilence(silence, at)) };
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/silences',
      options: {
        description: 'Create a silence: mute notifications by host, group or rule',
        auth: ADMIN_ONLY,
        validate: {
          payload: Joi.object({
            host: name,
            group: name,
            rule: name,
            startsAt: instant,
            endsAt: instant,
            duration,
            comment: comment.min(1).required(),
            // Accepted for older clients and ignored: the silence is created by whoever is logged in.
            createdBy: person,
          })
            .or('host', 'group', 'rule')
            .xor('endsAt', 'duration')
            .messages({
              'object.missing': 'a silence needs at least one of "host", "group" and "rule", and either "endsAt" or "duration"',
              'object.xor': 'give either "endsAt" or "duration", not both',
            }),
        },
      },
      handler: async (request, h) => {
        const body = request.payload as { host?: string; group?: string; rule?: string; startsAt?: number; endsAt?: number; duration?: number; comment: string };
        const at = now();
        const startsAt = body.startsAt ?? at;
        const endsAt = body.endsAt ?? startsAt + (body.duration ?? 0);
        const bad = (message: string) => h.response({ statusCode: 400, error: 'Bad Request', message }).code(400);
        if (endsAt <= startsAt) return bad('"endsAt" must be later than "startsAt"');
        if (endsAt <= at) return bad('"endsAt" must be in the future');
        if (endsAt - startsAt > MAX_SILENCE_MS) return bad('a silence may last at most 366 days');
        const silence = await insertSilence(db, {
          matchers: { ...(body.host ? { host: body.host } : {}), ...(body.group ? { group: body.group } : {}), ...(body.rule ? { rule: body.rule } : {}) },
          startsAt,
          endsAt,
          comment: body.comment,
          createdBy: credentialsOf(request).user.name,
        });
        return h.response({ silence: toApiSilence(silence, at) }).code(201);
      },
    });

    server.route({
      method: 'POST',
      path: '/api/v1/silences/{id}/expire',
      options: { description: 'End a silence now', auth: ADMIN_ONLY, validate: { params: Joi.object({ id: Joi.number().integer().min(1).max(Number.MAX_SAFE_INTEGER).required() }) } },
      handler: async (request, h) => {
        const { id } = request.params as { id: number };
        const at = now();
        const silence = await expireSilence(db, id, at);
        if (!silence) return h.response(notFound(`no silence with id ${id}`)).code(404);
        return { silence: toApiSilence(silence, at) };
      },
    });

    server.route({
      method: 'GET',
      path: '/api/v1/notifications',
      options: {
        description: 'The notification outbox: what was sent, retried or given up',
        validate: {
          query: Joi.object({
            status: Joi.string().valid('pending', 'sending', 'sent', 'failed'),
            limit: Joi.number().integer().min(1).max(5000).default(200),
          }),
        },
      },
      handler: async (request) => {
        const { status, limit } = request.query as { status?: StoredNotification['status']; limit: number };
        const notifications = await listNotifications(db, { limit, ...(status ? { status } : {}) });
        return { notifications: notifications.map(toApiNotification) };
      },
    });
  },
};

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

// A webhook URL may carry its secret (Slack's do); only the origin is shown.
function toApiNotification(notification: StoredNotification) {
  const url = notification.target['url'];
  const target = notification.channel === 'webhook' ? { url: typeof url === 'string' ? redactUrl(url) : null, format: notification.target['format'] } : notification.target;
  return {
    id: notification.id,
    receiver: notification.receiver,
    channel: notification.channel,
    target,
    kind: notification.kind,
    alertKeys: notification.alertKeys,
    status: notification.status,
    attempts: notification.attempts,
    lastError: notification.lastError,
    createdAt: iso(notification.createdAt),
    nextAttemptAt: notification.status === 'pending' || notification.status === 'sending' ? iso(notification.nextAttemptAt) : null,
    sentAt: iso(notification.sentAt),
  };
}
