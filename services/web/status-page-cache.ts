// The public status page, built at most once per `ttlMs` however many visitors ask (a public page
// must not let the world load the database), and built afresh after an incident is posted, so
// that what operators write reaches visitors at once.
export class StatusPageCache<T> {
  private entry: { at: number; value: Promise<T> } | null = null;

  constructor(private readonly ttlMs: number) {}

  get(build: () => Promise<T>): Promise<T> {
    // Wall-clock age, not the (pinnable) API clock: this is about load.
    const wall = Date.now();
    if (this.entry && wall - this.entry.at < this.ttlMs) return this.entry.value;
    const value = build();
    const entry = { at: wall, value };
    this.entry = entry;
    // A failed build is not served to the next visitor.
    value.catch(() => {
      if (this.entry === entry) this.entry = null;
    });
    return value;
  }

  invalidate(): void {
    this.entry = null;
  }
}
