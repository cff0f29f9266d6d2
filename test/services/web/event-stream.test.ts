import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGunzip, createGzip } from 'node:zlib';
import { EventStream, formatComment, formatEvent } from '../../../services/web/event-stream.ts';
import { waitFor } from '../../support/wait-for.ts';

void describe('EventStream', () => {
  void test('formats events as one JSON data line and comments without line breaks', () => {
    assert.equal(formatEvent('host', { name: 'a\nb', status: 'up' }), 'event: host\ndata: {"name":"a\\nb","status":"up"}\n\n');
    assert.equal(formatComment('keep\r\nalive'), ': keep alive\n\n');
  });

  void test('passes text through to its reader', async () => {
    const stream = new EventStream({ maxBufferedBytes: 1000 });
    let read = '';
    stream.on('data', (chunk: Buffer) => (read += chunk.toString()));
    assert.equal(stream.sendText(formatEvent('samples', { hosts: [] })), true);
    await waitFor('the event read', 5000, () => (read.length > 0 ? read : undefined), 10);
    assert.equal(read, 'event: samples\ndata: {"hosts":[]}\n\n');
    stream.end();
  });

  void test('a reader that does not keep up is dropped once the buffer limit is reached', () => {
    let overflows = 0;
    const stream = new EventStream({ maxBufferedBytes: 1000, onOverflow: () => overflows++ });
    stream.on('error', () => {});
    const event = formatEvent('samples', { hosts: [{ name: 'x'.repeat(80), ts: 1 }] });
    let sent = 0;
    while (stream.sendText(event)) sent++;
    assert.ok(sent >= 1 && sent * event.length <= 1000, `sent ${sent} events of ${event.length} bytes`);
    assert.equal(stream.destroyed, true);
    assert.equal(overflows, 1);
    assert.equal(stream.sendText(event), false, 'nothing more is written to a dropped client');
    assert.equal(overflows, 1);
  });

  void test('behind gzip, each event is flushed at once instead of waiting for more', async () => {
    const stream = new EventStream({ maxBufferedBytes: 100_000 });
    const gzip = createGzip();
    // What hapi does for a compressed stream response.
    stream.setCompressor(gzip);
    const gunzip = createGunzip();
    let read = '';
    gunzip.on('data', (chunk: Buffer) => (read += chunk.toString()));
    stream.pipe(gzip).pipe(gunzip);
    stream.sendText(formatEvent('host', { name: 'web1' }));
    await waitFor('the first event through gzip', 5000, () => (read.includes('web1') ? true : undefined), 10);
    stream.sendText(formatEvent('host', { name: 'web2' }));
    await waitFor('the second event through gzip', 5000, () => (read.includes('web2') ? true : undefined), 10);
    stream.end();
  });
});
