// Coalesces the frames amqplib sends in one turn of its writer into one socket write.
// amqplib's writer (its Mux, lib/mux.js) hands each frame to the socket on its own, and an idle
// socket writes each at once: one syscall per publish and per ack, which the fleet's profiles
// show as the biggest self time of the scheduler (writeBuffer). Corking the socket for the
// length of one writer turn sends the same bytes, in the same order, as one writev; the turn
// still stops when the socket's buffer is full, so backpressure is as before.
// It reaches into amqplib's internals (connection.stream, connection.muxer._readIncoming, as of
// amqplib 2.3): when their shape differs, it changes nothing and says so.
import type { ChannelModel } from 'amqplib';

interface CorkableStream {
  cork(): void;
  uncork(): void;
}

interface MuxLike {
  _readIncoming(): void;
}

/** Wraps the connection's writer turn in cork/uncork; false when amqplib's internals are not as expected. */
export function batchSocketWrites(model: ChannelModel): boolean {
  const connection = (model as unknown as { connection?: { stream?: Partial<CorkableStream>; muxer?: Partial<MuxLike> } }).connection;
  const stream = connection?.stream;
  const muxer = connection?.muxer;
  if (!stream || !muxer || typeof stream.cork !== 'function' || typeof stream.uncork !== 'function' || typeof muxer._readIncoming !== 'function') {
    return false;
  }
  const socket = stream as CorkableStream;
  const turn = muxer._readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    socket.cork();
    try {
      turn();
    } finally {
      socket.uncork();
    }
  };
  return true;
}
