import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { redactUrl, sendWebhook } from '../../../lib/alerting/notify/send-webhook.ts';
import { startHttpReceiver, type HttpReceiver } from '../../services/alerter/http-receiver.ts';

void describe('sendWebhook', () => {
  let receiver: HttpReceiver;
  before(async () => {
    receiver = await startHttpReceiver();
  });
  after(async () => receiver?.close());

  void test('POSTs the body as JSON', async () => {
    await sendWebhook({ url: `${receiver.url}/hook`, body: { text: 'hi' } });
    const request = receiver.requests.at(-1);
    assert.equal(request?.path, '/hook');
    assert.match(request?.contentType ?? '', /^application\/json/);
    assert.deepEqual(request?.body, { text: 'hi' });
  });

  void test('sends the receiver\'s headers (its login), which cannot replace the content type', async () => {
    await sendWebhook({ url: `${receiver.url}/auth`, body: { a: 1 }, headers: { Authorization: 'Bearer tk_123', 'X-Priority': 'high', 'Content-Type': 'text/plain' } });
    const request = receiver.requests.at(-1);
    assert.equal(request?.headers['authorization'], 'Bearer tk_123');
    assert.equal(request?.headers['x-priority'], 'high');
    assert.match(request?.contentType ?? '', /^application\/json/);
    assert.deepEqual(request?.body, { a: 1 });
  });

  void test('a non-2xx answer is an error naming the status and the answer, never the secret path', async () => {
    receiver.answer = () => 500;
    await assert.rejects(sendWebhook({ url: `${receiver.url}/services/SECRET`, body: {} }), (error: Error) => {
      assert.match(error.message, /answered 500: receiver is broken/);
      assert.ok(!error.message.includes('SECRET'));
      return true;
    });
    receiver.answer = () => 200;
  });

  void test('a refused connection is an error too', async () => {
    const closed = await startHttpReceiver();
    const url = `${closed.url}/x`;
    await closed.close();
    await assert.rejects(sendWebhook({ url, body: {}, timeoutMs: 2000 }), /failed: fetch failed: .*ECONNREFUSED/);
  });

  void test('redactUrl keeps the origin only', () => {
    assert.equal(redactUrl('https://hooks.slack.com/services/T0/B0/xyz'), 'https://hooks.slack.com/…');
    assert.equal(redactUrl('not a url'), 'an invalid URL');
  });
});
