// One browser's text/event-stream response. hapi pipes it to the socket (through gzip when the
// browser asks for it); a browser that reads slower than events come is dropped rather than
// buffered without end, and reconnects and reloads what it missed.
import { PassThrough } from 'node:stream';

/** What hapi hands a stream response that is being compressed (a zlib stream). */
interface Compressor {
  flush(callback?: () => void): void;
}

export interface EventStreamOptions {
  /** Bytes written but not yet taken by the socket beyond which the client is dropped. */
  maxBufferedBytes: number;
  /** Told once when the stream drops its client for being too slow. */
  onOverflow?: () => void;
}

export class EventStream extends PassThrough {
  private compressor: Compressor | null = null;
  private flushQueued = false;
  private readonly maxBufferedBytes: number;
  private readonly onOverflow: (() => void) | undefined;

  constructor(options: EventStreamOptions) {
    super();
    this.maxBufferedBytes = options.maxBufferedBytes;
    this.onOverflow = options.onOverflow;
  }

  /** Called by hapi when it gzips the response: without a flush per event, gzip would hold them back. */
  setCompressor(compressor: Compressor): void {
    this.compressor = compressor;
  }

  /** Writes preformatted SSE text (see formatEvent); false when the client is gone or was dropped. */
  sendText(text: string): boolean {
    if (this.destroyed || this.writableEnded) return false;
    if (this.readableLength + this.writableLength + text.length > this.maxBufferedBytes) {
      this.destroy();
      this.onOverflow?.();
      return false;
    }
    this.write(text);
    this.queueFlush();
    return true;
  }

  // The flush must come after the pipe has moved the text into the compressor, which it does
  // on a later tick; one flush covers everything written in the same turn.
  private queueFlush(): void {
    if (this.compressor === null || this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      if (!this.destroyed) this.compressor?.flush();
    });
  }
}

/** One SSE event: `event:` line, the data as one JSON line, blank line. */
export function formatEvent(type: string, data: unknown): string {
  // JSON.stringify never emits a raw newline, so the data stays on one `data:` line.
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** An SSE comment: ignored by EventSource, but it keeps proxies from closing an idle stream. */
export function formatComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}
