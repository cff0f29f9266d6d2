// Turns a burst of "something changed" into few fetches: a refresh runs at once if the last one
// is old enough, else once it is; never two at a time; a request during one runs one more after
// it. Refreshes are spaced by at least `minGapMs`, and by twice the last one's duration when that
// is longer (a big fleet, a busy server), so one page never keeps the server busy half the time.

export class RefreshCoalescer {
  private readonly run: () => Promise<void>;
  private readonly minGapMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private again = false;
  private lastStartAt = -Infinity;
  private lastDurationMs = 0;
  private stopped = false;

  constructor(run: () => Promise<void>, minGapMs: number) {
    this.run = run;
    this.minGapMs = minGapMs;
  }

  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer !== null) return;
    const gap = Math.max(this.minGapMs, 2 * this.lastDurationMs);
    const wait = Math.max(0, this.lastStartAt + gap - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.start();
    }, wait);
  }

  /** No more refreshes (the component left the page); one in flight finishes. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async start(): Promise<void> {
    this.running = true;
    this.lastStartAt = Date.now();
    try {
      await this.run();
    } catch {
      // The caller reports its own failures; the next request tries again.
    } finally {
      this.lastDurationMs = Date.now() - this.lastStartAt;
      this.running = false;
      if (this.again) {
        this.again = false;
        this.request();
      }
    }
  }
}
