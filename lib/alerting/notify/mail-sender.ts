// Sends mail through the SMTP server of VIGIL_SMTP_URL (smtp:// with STARTTLS when offered,
// smtps:// for TLS from the start, user:password@ for AUTH), as nodemailer reads such a URL.
import nodemailer from 'nodemailer';
import type { EmailMessage } from './email-message.ts';

export interface MailSender {
  send(to: string[], message: EmailMessage): Promise<void>;
  close(): void;
}

export interface MailSenderOptions {
  smtpUrl: string;
  from: string;
  /** Bounds each phase of a delivery, so a dead server fails an attempt instead of hanging it. */
  timeoutMs?: number;
}

export function createMailSender(options: MailSenderOptions): MailSender {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: 2 * timeoutMs,
  });
  return {
    async send(to, message) {
      await transport.sendMail({ from: options.from, to, subject: message.subject, text: message.text, html: message.html });
    },
    close: () => transport.close(),
  };
}
