// The public status page, built at most once per `ttlMs` however many visitors ask (a public page
// must not let the world load the database), and built afresh once its incidents change, so that
// what operators write reaches visitors at once: after a post through this server (invalidate),
// and, by a stamp of the incidents read at most once a second, after one through another web
// server or `vigil incident` on the database.
export class StatusPageCache<T> {
  private entry: { at: number; stamp: string | null; value: Promise<T> } | null = null;
  private checked: { at: number; stamp: Promise<string | null> } | null = null;

  constructor(
    private readonly ttlMs: number,
    private readonly stampOf: (() => Promise<string>) | null = null,
    private readonly stampEveryMs = 1000,
  ) {}

  async get(build: () => Promise<T>): Promise<T> {
    // Wall-clock age, not the (pinnable) API clock: this is about load.
    const wall = Date.now();
    const stamp = await this.stamp(wall);
    if (this.entry && wall - this.entry.at < this.ttlMs && this.entry.stamp === stamp) return this.entry.value;
    const value = build();
    const entry = { at: wall, stamp, value };
    this.entry = entry;
    // A failed build is not served to the next visitor.
    value.catch(() => {
      if (this.entry === entry) this.entry = null;
    });
    return value;
  }

  invalidate(): void {
    this.entry = null;
    this.checked = null;
  }

  /** The incidents' stamp, read again when the last reading is older than stampEveryMs; null without one, or when it cannot be read. */
  private stamp(wall: number): Promise<string | null> {
    if (!this.stampOf) return Promise.resolve(null);
    if (this.checked && wall - this.checked.at < this.stampEveryMs) return this.checked.stamp;
    const stamp = this.stampOf().catch(() => null);
    this.checked = { at: wall, stamp };
    return stamp;
  }
}
