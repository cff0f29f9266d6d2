import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'amqplib';
import { batchSocketWrites } from '../../lib/bus/amqp-write-batching.ts';
import { TEST_AMQP_URL } from '../support/test-fleet.ts';
import { waitUntil } from '../support/wait-for.ts';

interface CountedSocket {
  _write(...args: unknown[]): void;
  _writev(...args: unknown[]): void;
}

void test('the frames of one writer turn reach the broker in one socket write, intact and in order', async () => {
  const model = await connect(TEST_AMQP_URL);
  try {
    assert.equal(batchSocketWrites(model), true, 'amqplib internals as expected (an upgrade that changes them shows here)');
    const channel = await model.createChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    const received: string[] = [];
    await channel.consume(queue, (message) => {
      if (message) received.push(message.content.toString());
    }, { noAck: true });

    const socket = (model as unknown as { connection: { stream: CountedSocket } }).connection.stream;
    let writes = 0;
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args) => {
      writes++;
      write(...args);
    };
    socket._writev = (...args) => {
      writes++;
      writev(...args);
    };
    const sent = Array.from({ length: 50 }, (_, i) => `message ${i}`);
    for (const body of sent) channel.sendToQueue(queue, Buffer.from(body));
    await waitUntil('all 50 messages back', 10_000, () => received.length === sent.length, 10);
    socket._write = write;
    socket._writev = writev;

    assert.deepEqual(received, sent);
    // Uncorked, each of the 50 publishes is a write of its own.
    assert.ok(writes <= 2, `${writes} socket writes for 50 publishes of one turn`);
  } finally {
    await model.close();
  }
});
