// Delivers the outbox. Each notification is its own attempt with its own backoff, run
// concurrently with the others, so a dead webhook never holds up the mail (or the pipeline,
// which only ever writes rows). A send is marked done only after it succeeded: a crash between
// the two resends that one message, never loses it.
import type { EmailMessage } from '../../lib/alerting/notify/email-message.ts';
import { renderEmail } from '../../lib/alerting/notify/email-message.ts';
import { createMailSender, type MailSender } from '../../lib/alerting/notify/mail-sender.ts';
import type { Notice } from '../../lib/alerting/notify/notice.ts';
import { redactUrl, sendWebhook } from '../../lib/alerting/notify/send-webhook.ts';
import { renderWebhookRequests, webhookFromTarget } from '../../lib/alerting/notify/webhook-body.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { claimDueNotifications } from '../../lib/db/queries/claim-due-notifications.ts';
import { recordDeliveryAttempt, type DeliveryOutcome } from '../../lib/db/queries/record-delivery-attempt.ts';
import { selectNextNotificationDue } from '../../lib/db/queries/select-next-notification-due.ts';
import type { StoredNotification } from '../../lib/db/queries/stored-notification.ts';
import type { Logger } from '../../lib/log.ts';
import { cappedBackoffMs } from '../../lib/capped-backoff.ts';

export interface NotificationSenderOptions {
  db: VigilDb;
  log: Logger;
  mail: { smtpUrl: string | null; from: string };
  now: () => number;
  /** Longest wait between looks at the outbox (rows written by another process, clock drift). */
  pollIntervalMs?: number;
  /** How long a claimed row belongs to this sender before another attempt may take it. */
  leaseMs?: number;
  /** First retry delay; doubles per attempt up to maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** A notification still undelivered this long after it was queued is given up as failed. */
  giveUpAfterMs?: number;
  maxConcurrentSends?: number;
  sendTimeoutMs?: number;
}

export interface NotificationSender {
  /** Look at the outbox now (something was queued). */
  wake(): void;
  /** Stops claiming, and waits for the sends in flight. */
  stop(): Promise<void>;
}

export function startNotificationSender(options: NotificationSenderOptions): NotificationSender {
  const { db, log, now } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const sendTimeoutMs = options.sendTimeoutMs ?? 15_000;
  const leaseMs = options.leaseMs ?? Math.max(60_000, 4 * sendTimeoutMs);
  const retryDelayMs = options.retryDelayMs ?? 1_000;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 300_000;
  const giveUpAfterMs = options.giveUpAfterMs ?? 24 * 3_600_000;
  const maxConcurrentSends = options.maxConcurrentSends ?? 16;

  const mailSender: MailSender | null = options.mail.smtpUrl ? createMailSender({ smtpUrl: options.mail.smtpUrl, from: options.mail.from, timeoutMs: sendTimeoutMs }) : null;
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let cycling = false;
  let wakeAgain = false;
  let stopped = false;

  const wake = (): void => {
    if (stopped) return;
    if (cycling) {
      wakeAgain = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = undefined;
    cycling = true;
    void cycle().finally(() => {
      cycling = false;
      if (wakeAgain) {
        wakeAgain = false;
        wake();
      }
    });
  };

  const cycle = async (): Promise<void> => {
    let delay = pollIntervalMs;
    try {
      const free = maxConcurrentSends - inFlight.size;
      const claimed = await claimDueNotifications(db, { now: now(), leaseMs, limit: free });
      for (const notification of claimed) track(deliver(notification));
      if (inFlight.size < maxConcurrentSends) {
        const due = await selectNextNotificationDue(db);
        if (due !== null) delay = Math.min(pollIntervalMs, Math.max(0, due - now()));
      }
    } catch (error) {
      log.error('reading the notification outbox failed', { error });
    }
    if (!stopped) timer = setTimeout(wake, delay);
  };

  const track = (sending: Promise<void>): void => {
    inFlight.add(sending);
    void sending.finally(() => {
      inFlight.delete(sending);
      wake();
    });
  };

  const deliver = async (notification: StoredNotification): Promise<void> => {
    let outcome: DeliveryOutcome;
    try {
      await send(notification);
      outcome = { sent: true };
      log.info('notification sent', describe(notification));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = now();
      const delay = cappedBackoffMs(retryDelayMs, maxRetryDelayMs, notification.attempts - 1);
      const retryAt = at - notification.createdAt >= giveUpAfterMs ? null : at + delay;
      outcome = { sent: false, error: message, retryAt };
      if (retryAt === null) log.error('gave up a notification', { ...describe(notification), error: message });
      else log.warn('notification failed; will retry', { ...describe(notification), error: message, retryInMs: delay });
    }
    try {
      await recordDeliveryAttempt(db, notification, outcome, now());
    } catch (error) {
      // The lease runs out and the row is tried again: at worst a duplicate, never a loss.
      log.error('recording a delivery attempt failed', { ...describe(notification), error });
    }
  };

  const send = async (notification: StoredNotification): Promise<void> => {
    const notice: Notice = { kind: notification.kind, receiver: notification.receiver, alerts: notification.alerts };
    if (notification.channel === 'email') {
      if (!mailSender) throw new Error('no SMTP server configured: set VIGIL_SMTP_URL');
      const to = notification.target['to'];
      if (!Array.isArray(to) || to.length === 0) throw new Error('the e-mail notification has no recipients');
      const message: EmailMessage = renderEmail(notice);
      await mailSender.send(to.map(String), message);
      return;
    }
    const hook = webhookFromTarget(notification.target);
    // In turn, and all again on a retry: PagerDuty's events are keyed by alert, so a repeated one changes nothing.
    for (const request of renderWebhookRequests(notice, hook)) await sendWebhook({ ...request, timeoutMs: sendTimeoutMs });
  };

  wake();

  return {
    wake,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (cycling || inFlight.size > 0) {
        await Promise.allSettled([...inFlight]);
        if (cycling) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      mailSender?.close();
    },
  };
}

function describe(notification: StoredNotification): Record<string, unknown> {
  const target = notification.channel === 'webhook' && typeof notification.target['url'] === 'string' ? redactUrl(notification.target['url']) : undefined;
  return {
    notification: notification.id,
    receiver: notification.receiver,
    channel: notification.channel,
    kind: notification.kind,
    alerts: notification.alertKeys.length,
    attempt: notification.attempts,
    ...(target ? { target } : {}),
  };
}
