import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createMailSender } from '../../../lib/alerting/notify/mail-sender.ts';
import { startSmtpSink, type SmtpSink } from '../../services/alerter/smtp-sink.ts';

const MESSAGE = { subject: '[CRITICAL] web-1: cpu-high', text: 'plain body\n', html: '<p>html body</p>' };

void describe('mail sender', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink({ user: 'alerts', password: 'p@ss:word' });
  });
  after(async () => sink?.close());

  void test('sends text and HTML through SMTP with AUTH from the URL', async () => {
    const sender = createMailSender({ smtpUrl: sink.url, from: 'vigil@monitor.test' });
    try {
      await sender.send(['a@example.test', 'b@example.test'], MESSAGE);
    } finally {
      sender.close();
    }
    const mail = sink.mails.at(-1);
    assert.equal(mail?.subject, MESSAGE.subject);
    assert.deepEqual(mail?.to, ['a@example.test', 'b@example.test']);
    assert.equal(mail?.from, 'vigil@monitor.test');
    assert.equal(mail?.text.trim(), 'plain body');
    assert.equal(mail?.html.trim(), '<p>html body</p>');
  });

  void test('wrong credentials fail the send', async () => {
    const sender = createMailSender({ smtpUrl: `smtp://alerts:wrong@127.0.0.1:${sink.port}`, from: 'vigil@monitor.test' });
    try {
      await assert.rejects(sender.send(['a@example.test'], MESSAGE), /Invalid login|invalid credentials/i);
    } finally {
      sender.close();
    }
  });

  void test('smtps:// speaks TLS from the first byte', async () => {
    const subjects: string[] = [];
    // smtp-server's built-in self-signed certificate; the URL tells nodemailer to accept it.
    const server = new SMTPServer({
      secure: true,
      authOptional: true,
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            subjects.push(mail.subject ?? '');
            callback();
          })
          .catch((error: unknown) => callback(error as Error));
      },
    });
    // The refused handshake below is reported by the server too; that is expected here.
    server.on('error', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const sender = createMailSender({ smtpUrl: `smtps://127.0.0.1:${port}?tls.rejectUnauthorized=false`, from: 'vigil@monitor.test' });
    try {
      await sender.send(['tls@example.test'], MESSAGE);
      assert.deepEqual(subjects, [MESSAGE.subject]);
      // Without accepting the self-signed certificate the connection is refused: TLS is really checked.
      const strict = createMailSender({ smtpUrl: `smtps://127.0.0.1:${port}`, from: 'vigil@monitor.test', timeoutMs: 3000 });
      try {
        await assert.rejects(strict.send(['tls@example.test'], MESSAGE), /certificate/i);
      } finally {
        strict.close();
      }
    } finally {
      sender.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  void test('a server that is down fails the send quickly', async () => {
    const down = await startSmtpSink();
    const url = down.url;
    await down.close();
    const sender = createMailSender({ smtpUrl: url, from: 'vigil@monitor.test', timeoutMs: 2000 });
    try {
      await assert.rejects(sender.send(['a@example.test'], MESSAGE), /ECONNREFUSED/);
    } finally {
      sender.close();
    }
  });
});
