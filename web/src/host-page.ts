// <vigil-host-page .host=${name}>: one host in depth. Facts, open alerts and availability (the
// last 24 h to 30 d, and its outages); every chart (CPU by mode, memory and swap, load, network,
// disk I/O, filesystems, and each disk, interface and GPU) over a preset or custom range, from one
// API call in uPlot's columnar form, with synced cursors and drag-to-zoom; the top processes at a
// clicked moment; a CSV of what is shown; and live updates: new samples are fetched alone when the
// live stream says they were stored.
import { LitElement, css, html } from 'lit';
import { errorMessage } from './api-client.ts';
import { buildChartSpecs } from './chart-specs.ts';
import type { ChartSpecs } from './chart-specs.ts';
import { watchTheme } from './chart-theme.ts';
import { csvFileName, downloadText, toCsv } from './csv-export.ts';
import { formatDuration } from './format.ts';
import { NO_POLL_RESULT, statusNote } from './host-rows.ts';
import { fetchHostAlerts, fetchHostDetail, fetchLive, fetchProcessesAt, fetchSeries, startLive, stopLive } from './host-api.ts';
import type { ApiAlert, HostDetail, HostSeries, LiveState, ProcessesAt } from './host-api.ts';
import type { ChartPickDetail, ChartZoomDetail, VigilChart } from './host-chart.ts';
import { subscribeLive } from './live-events.ts';
import type { RangeChangeDetail } from './range-picker.ts';
import { appendSeries, dropBefore } from './series-append.ts';
import { DEFAULT_RANGE, RANGE_PRESETS, fixedRange, presetById, resolveRange } from './time-range.ts';
import type { ResolvedRange, TimeRange } from './time-range.ts';
import './device-report.ts';
import './host-availability.ts';
import './host-chart.ts';
import './host-checks.ts';
import './host-facts.ts';
import './process-table.ts';
import './range-picker.ts';

/** How long one click on "Live" polls the host every second. */
const LIVE_MINUTES = 5;
/** Even without live events (stream down, proxy buffering), a following range catches up this often. */
const FALLBACK_REFRESH_MS = 30_000;
/** Bucketed ranges are fetched whole again on new samples, at most this often (or once a bucket). */
const MIN_FULL_REFRESH_MS = 5_000;
/** performance.mark names: a whole range's series requested, and every chart of an answer painted. */
export const SERIES_REQUESTED_MARK = 'vigil:series-requested';
export const CHARTS_DRAWN_MARK = 'vigil:charts-drawn';

const RESOLUTION_TEXT: Record<HostSeries['resolution'], string> = {
  raw: 'raw samples',
  '1m': '1-minute averages',
  '1h': '1-hour averages',
};

export class VigilHostPage extends LitElement {
  static override properties = {
    host: { type: String },
    range: { state: true },
    detail: { state: true },
    series: { state: true },
    window: { state: true },
    alerts: { state: true },
    processes: { state: true },
    processesLoading: { state: true },
    processesError: { state: true },
    live: { state: true },
    liveError: { state: true },
    error: { state: true },
    loading: { state: true },
    now: { state: true },
  };

  declare host: string;
  declare range: TimeRange;
  declare detail: HostDetail | null;
  declare series: HostSeries | null;
  /** The range the charts' x axis spans. */
  declare window: ResolvedRange;
  declare alerts: ApiAlert[];
  declare processes: ProcessesAt | null;
  declare processesLoading: boolean;
  declare processesError: string | null;
  declare live: LiveState | null;
  declare liveError: string | null;
  declare error: string | null;
  declare loading: boolean;
  declare now: number;

  /** Milliseconds from the last answer's arrival to every chart drawn: the issue's 300 ms goal. */
  lastDrawMs: number | null = null;
  /** How many series answers arrived (tests wait on it). */
  fetchCount = 0;

  private specs: ChartSpecs = { charts: [], hidden: [] };
  /** The window in Unix seconds, one array per window, so that re-rendering does not redraw the charts. */
  private xRange: [number, number] = [0, 1];
  /** Bumped on every host or range change: answers to older series requests are dropped. */
  private generation = 0;
  /** Bumped on every host change: answers about the previous host are dropped. */
  private hostGeneration = 0;
  private abort: AbortController | null = null;
  private seriesInFlight = false;
  private refreshAgain = false;
  private lastFullFetchAt = 0;
  private processesAbort: AbortController | null = null;
  private unsubscribeLive: (() => void) | null = null;
  private unwatchTheme: (() => void) | null = null;
  private fallbackTimer: ReturnType<typeof setInterval> | null = null;
  private clockTimer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.host = '';
    this.range = storedRange();
    this.detail = null;
    this.series = null;
    this.window = resolveRange(DEFAULT_RANGE, Date.now());
    this.alerts = [];
    this.processes = null;
    this.processesLoading = false;
    this.processesError = null;
    this.live = null;
    this.liveError = null;
    this.error = null;
    this.loading = false;
    this.now = Date.now();
  }

  static override styles = css`
    :host {
      display: block;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.5rem 1rem;
      margin-bottom: 0.75rem;
    }
    h2 {
      margin: 0;
      font-size: 1.3rem;
      overflow-wrap: anywhere;
    }
    .status {
      font-size: 0.8rem;
      font-weight: 600;
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .status.up {
      color: var(--vigil-up);
    }
    .status.down {
      color: var(--vigil-down);
    }
    .status.unknown {
      color: var(--vigil-unknown);
    }
    .status-message {
      color: var(--vigil-muted);
      font-size: 0.85rem;
    }
    section {
      background: var(--vigil-panel);
      border: 1px solid var(--vigil-border);
      border-radius: 6px;
      padding: 0.75rem;
      margin-bottom: 0.75rem;
    }
    h3 {
      margin: 0 0 0.5rem;
      font-size: 0.95rem;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem 1rem;
      margin-bottom: 0.5rem;
    }
    .toolbar button {
      font: inherit;
      font-size: 0.85rem;
      color: inherit;
      background: transparent;
      border: 1px solid var(--vigil-border);
      border-radius: 4px;
      padding: 0.15rem 0.6rem;
      cursor: pointer;
    }
    .toolbar button[aria-pressed='true'] {
      background: var(--vigil-up);
      border-color: var(--vigil-up);
      color: #fff;
    }
    .meta,
    .note {
      font-size: 0.82rem;
      color: var(--vigil-muted);
    }
    .error {
      color: var(--vigil-down);
      font-size: 0.85rem;
    }
    .charts {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr));
      gap: 1rem 1.25rem;
    }
    ul.alerts {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    ul.alerts li {
      padding: 0.2rem 0;
      font-size: 0.88rem;
      border-bottom: 1px solid var(--vigil-border);
    }
    .severity {
      font-weight: 600;
      text-transform: uppercase;
      font-size: 0.75rem;
      margin-right: 0.4rem;
    }
    .severity.critical {
      color: var(--vigil-crit, var(--vigil-down));
    }
    .severity.warning {
      color: var(--vigil-warn, #f08c00);
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.unsubscribeLive = subscribeLive({
      samples: (data) => {
        if (data.hosts.some((h) => h.name === this.host)) void this.refreshSeries();
      },
      host: (data) => {
        if (data.name === this.host && this.detail !== null) {
          this.detail = { ...this.detail, status: data.status, statusReason: data.statusReason, statusMessage: data.statusMessage };
        }
      },
      alert: (alert) => {
        if (alert.host === this.host) void this.loadAlerts();
      },
      // Reconnected: whatever was stored meanwhile was not announced.
      open: () => void this.refreshSeries(),
    });
    this.unwatchTheme = watchTheme(() => {
      for (const chart of this.renderRoot.querySelectorAll<VigilChart>('vigil-chart')) chart.refreshTheme();
    });
    this.fallbackTimer = setInterval(() => void this.refreshSeries(), FALLBACK_REFRESH_MS);
    this.clockTimer = setInterval(() => this.tick(), 1000);
    if (this.hasUpdated && this.host !== '') this.loadHost();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribeLive?.();
    this.unsubscribeLive = null;
    this.unwatchTheme?.();
    this.unwatchTheme = null;
    if (this.fallbackTimer !== null) clearInterval(this.fallbackTimer);
    if (this.clockTimer !== null) clearInterval(this.clockTimer);
    this.fallbackTimer = null;
    this.clockTimer = null;
    this.abort?.abort();
    this.processesAbort?.abort();
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('host') && this.host !== '') this.loadHost();
    else if (changed.has('range')) void this.loadSeries();
  }

  override render() {
    const detail = this.detail;
    return html`
      <header>
        <h2>${this.host}</h2>
        ${detail === null
          ? ''
          : html`<span class="status ${detail.status}">${detail.status}</span>
              ${detail.removed ? html`<span class="status-message">${detail.parent === null ? 'removed from the inventory' : `removed: no longer listed by ${detail.parent}`}</span>` : ''}
              ${statusLine(detail)}`}
      </header>
      ${this.error === null ? '' : html`<p class="error" role="alert">${this.error}</p>`}
      <section aria-label="Host facts">
        ${detail === null ? html`<span class="meta">Loading…</span>` : html`<vigil-host-facts .detail=${detail} .now=${Date.now()}></vigil-host-facts>`}
      </section>
      ${detail?.latest?.device == null
        ? ''
        : html`<section aria-label="Device"><h3>${detail.latest.device.profile === 'printer' ? 'Printer' : 'Device'}</h3><vigil-device-report .report=${detail.latest.device}></vigil-device-report></section>`}
      ${detail?.checks == null
        ? ''
        : html`<section aria-label="Service checks"><h3>Service checks</h3><vigil-host-checks .checks=${detail.checks}></vigil-host-checks></section>`}
      ${this.renderAlerts()}
      <section aria-label="Availability"><h3>Availability</h3><vigil-host-availability .host=${this.host}></vigil-host-availability></section>
      <section aria-label="Charts">
        <div class="toolbar">
          <vigil-range-picker .range=${this.range} @range-change=${this.onRangeChange}></vigil-range-picker>
          ${detail?.parent == null ? this.renderLive() : ''}
          <button type="button" class="csv" @click=${this.onDownloadCsv} ?disabled=${this.series === null}>Download CSV</button>
        </div>
        ${this.renderMeta()}
        <div class="charts" @chart-zoom=${this.onZoom} @chart-pick=${this.onPick}>
          ${this.specs.charts.map(
            (spec) =>
              html`<vigil-chart
                data-chart=${spec.id}
                .spec=${spec}
                .ts=${this.series?.ts ?? []}
                .xRange=${this.xRange}
                .syncKey=${'vigil-host-page'}
              ></vigil-chart>`,
          )}
        </div>
      </section>
      <section aria-label="Top processes">
        <h3>Top processes</h3>
        <p class="meta">Click a moment on any chart to see what ran then.</p>
        <vigil-process-table
          .data=${this.processes}
          .loading=${this.processesLoading}
          .error=${this.processesError}
          .emptyHint=${'Process lists come from full polls (about one a minute) and are kept as long as the raw samples.'}
        ></vigil-process-table>
      </section>
    `;
  }

  private renderAlerts() {
    if (this.alerts.length === 0) return html`<section aria-label="Open alerts"><h3>Open alerts</h3><span class="meta">None.</span></section>`;
    return html`<section aria-label="Open alerts">
      <h3>Open alerts</h3>
      <ul class="alerts">
        ${this.alerts.map(
          (alert) => html`<li>
            <span class="severity ${alert.severity}">${alert.severity}</span>${alert.summary}
            <span class="meta">
              · ${alert.state}${alert.startsAt === null ? '' : ` since ${new Date(alert.startsAt).toLocaleString()}`}${alert.ack === null ? '' : ` · acknowledged by ${alert.ack.by}`}
            </span>
          </li>`,
        )}
      </ul>
    </section>`;
  }

  private renderLive() {
    const until = this.live?.until == null ? null : Date.parse(this.live.until);
    const left = until === null ? null : Math.max(0, (until - Math.max(this.now, Date.now() - 1000)) / 1000);
    return html`<button
        type="button"
        class="live"
        aria-pressed=${left !== null && left > 0 ? 'true' : 'false'}
        title="Poll this host every second for ${LIVE_MINUTES} minutes"
        @click=${this.onToggleLive}
      >
        Live
      </button>
      ${left !== null && left > 0 ? html`<span class="meta live-left">${formatDuration(left)} left</span>` : ''}
      ${this.liveError === null ? '' : html`<span class="error">${this.liveError}</span>`}`;
  }

  private renderMeta() {
    const series = this.series;
    if (series === null) return html`<p class="meta">${this.loading ? 'Loading charts…' : ''}</p>`;
    const rollupSec = series.resolution === '1m' ? 60 : series.resolution === '1h' ? 3600 : null;
    const averaged = series.bucketSec !== null && series.bucketSec !== rollupSec ? `, averaged over ${formatDuration(series.bucketSec)}` : '';
    return html`
      <p class="meta">
        ${new Date(this.window.fromMs).toLocaleString()} – ${new Date(this.window.toMs).toLocaleString()} · ${series.ts.length} points of
        ${RESOLUTION_TEXT[series.resolution]}${averaged}${this.loading ? ' · loading…' : ''}
      </p>
      ${this.specs.hidden.map((h) => html`<p class="note">${h.names.length} more ${h.kind} not charted (the busiest are): ${h.names.join(', ')}</p>`)}
    `;
  }

  private loadHost(): void {
    this.hostGeneration++;
    this.abort?.abort();
    this.detail = null;
    this.series = null;
    this.specs = { charts: [], hidden: [] };
    this.alerts = [];
    this.processes = null;
    this.live = null;
    this.liveError = null;
    this.error = null;
    const host = this.host;
    const generation = this.hostGeneration;
    const same = (): boolean => generation === this.hostGeneration && host === this.host;
    fetchHostDetail(host)
      .then((detail) => {
        if (!same()) return;
        this.detail = detail;
        // GPU models name the GPU charts.
        if (this.series !== null) this.specs = chartSpecsFor(this.series, detail);
      })
      .catch((err: unknown) => {
        if (same()) this.error = `cannot load ${host}: ${errorMessage(err)}`;
      });
    fetchLive(host)
      .then((live) => {
        if (same()) this.live = live;
      })
      .catch(() => {
        // Live polling is an extra: its state missing leaves the toggle off.
      });
    void this.loadAlerts();
    void this.pick(Date.now());
    void this.loadSeries();
  }

  private async loadAlerts(): Promise<void> {
    const host = this.host;
    try {
      const alerts = await fetchHostAlerts(host);
      if (host === this.host) this.alerts = alerts;
    } catch (err) {
      if (host === this.host) this.error = `cannot load alerts: ${errorMessage(err)}`;
    }
  }

  /** Fetches the whole range and draws it. */
  private async loadSeries(): Promise<void> {
    if (this.host === '') return;
    this.generation++;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const generation = this.generation;
    const window = resolveRange(this.range, Date.now());
    this.loading = true;
    this.seriesInFlight = true;
    try {
      const request = fetchSeries(this.host, { fromMs: window.fromMs, ...(window.follows ? {} : { toMs: window.toMs }), maxPoints: this.maxPoints() }, abort.signal);
      // Timing hooks for benchmarks (bench:web): from here to 'vigil:charts-drawn' of the same generation.
      performance.mark(SERIES_REQUESTED_MARK, { detail: { host: this.host, generation } });
      const series = await request;
      if (generation !== this.generation) return;
      this.lastFullFetchAt = Date.now();
      await this.show(series, { ...window, toMs: window.follows ? Math.max(window.toMs, Date.parse(series.to)) : window.toMs });
      this.error = null;
    } catch (err) {
      if (generation === this.generation && !abort.signal.aborted) this.error = `cannot load the charts: ${errorMessage(err)}`;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.seriesInFlight = false;
        this.abort = null;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          void this.refreshSeries();
        }
      }
    }
  }

  /**
   * New samples were stored: a range that follows the clock fetches the points after its last one
   * and appends them; when its points are bucket averages, it fetches the whole range again, at
   * most once a bucket. A fixed range has nothing to add.
   */
  private async refreshSeries(): Promise<void> {
    const current = this.series;
    if (this.host === '' || current === null || this.range.kind !== 'preset') return;
    if (this.seriesInFlight) {
      this.refreshAgain = true;
      return;
    }
    if (current.bucketSec !== null) {
      if (Date.now() - this.lastFullFetchAt >= Math.max(MIN_FULL_REFRESH_MS, current.bucketSec * 1000)) await this.loadSeries();
      return;
    }
    const generation = this.generation;
    const lastTs = current.ts[current.ts.length - 1];
    const fromMs = lastTs === undefined ? Date.now() - this.range.preset.ms : Math.round(lastTs * 1000) + 1;
    this.seriesInFlight = true;
    try {
      const newer = await fetchSeries(this.host, { fromMs, maxPoints: this.maxPoints() });
      if (generation !== this.generation || this.series !== current || this.range.kind !== 'preset') return;
      const nowMs = Date.now();
      const window = { fromMs: nowMs - this.range.preset.ms, toMs: Math.max(nowMs, Date.parse(newer.to)), follows: true };
      const merged = dropBefore(appendSeries(current, newer), window.fromMs / 1000);
      // More points than the charts are wide: fetch the range again, averaged.
      if (merged.ts.length > this.maxPoints()) {
        this.seriesInFlight = false;
        await this.loadSeries();
        return;
      }
      await this.show(merged, window);
    } catch (err) {
      if (generation === this.generation) this.error = `cannot update the charts: ${errorMessage(err)}`;
    } finally {
      if (generation === this.generation) {
        this.seriesInFlight = false;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          void this.refreshSeries();
        }
      }
    }
  }

  /** Draws the series, and measures how long that took from the answer's arrival. */
  private async show(series: HostSeries, window: ResolvedRange): Promise<void> {
    const started = performance.now();
    this.series = series;
    this.window = window;
    this.xRange = [window.fromMs / 1000, window.toMs / 1000];
    this.specs = chartSpecsFor(series, this.detail);
    this.fetchCount++;
    await this.updateComplete;
    await Promise.all([...this.renderRoot.querySelectorAll<VigilChart>('vigil-chart')].map((chart) => chart.updateComplete));
    // uPlot draws in a microtask after setData: a macrotask later, every chart is on screen.
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.lastDrawMs = performance.now() - started;
    this.dataset['drawMs'] = this.lastDrawMs.toFixed(1);
    this.dataset['points'] = String(series.ts.length);
    this.dataset['fetches'] = String(this.fetchCount);
    // Painted: the frame after the charts' canvases were drawn has been rendered once a task
    // queued in its animation frame callback runs. Not awaited: nothing else waits for a paint.
    const detail = { host: this.host, generation: this.generation, points: series.ts.length, charts: this.specs.charts.length };
    requestAnimationFrame(() => setTimeout(() => performance.mark(CHARTS_DRAWN_MARK, { detail }), 0));
  }

  /** About one point per horizontal pixel of a chart: more would not show. */
  private maxPoints(): number {
    const charts = this.renderRoot.querySelector<HTMLElement>('.charts');
    const width = charts?.clientWidth || this.clientWidth || 1000;
    const columns = width >= 1060 ? 2 : 1;
    return Math.max(200, Math.min(2000, Math.round(width / columns)));
  }

  private onRangeChange(event: CustomEvent<RangeChangeDetail>): void {
    this.range = event.detail.range;
    if (this.range.kind === 'preset') storeRange(this.range.preset.id);
  }

  private onZoom(event: CustomEvent<ChartZoomDetail>): void {
    const range = fixedRange(event.detail.fromMs, event.detail.toMs);
    if (range !== null) this.range = range;
  }

  private onPick(event: CustomEvent<ChartPickDetail>): void {
    void this.pick(event.detail.atMs);
  }

  private async pick(atMs: number): Promise<void> {
    this.processesAbort?.abort();
    const abort = new AbortController();
    this.processesAbort = abort;
    const host = this.host;
    this.processesLoading = true;
    try {
      const processes = await fetchProcessesAt(host, atMs, abort.signal);
      if (abort.signal.aborted || host !== this.host) return;
      this.processes = processes;
      this.processesError = null;
    } catch (err) {
      if (!abort.signal.aborted) this.processesError = `cannot load processes: ${errorMessage(err)}`;
    } finally {
      if (this.processesAbort === abort) this.processesLoading = false;
    }
  }

  private onDownloadCsv(): void {
    const series = this.series;
    if (series === null) return;
    const { fromMs, toMs } = this.window;
    downloadText(csvFileName(this.host, fromMs, toMs), toCsv(series.ts, this.specs.charts, fromMs, toMs));
  }

  private async onToggleLive(): Promise<void> {
    const until = this.live?.until == null ? null : Date.parse(this.live.until);
    const on = until !== null && until > Date.now();
    this.liveError = null;
    try {
      if (on) {
        this.live = await stopLive(this.host);
        return;
      }
      this.live = await startLive(this.host, LIVE_MINUTES);
      // Second-by-second samples show in a short range that follows the clock.
      const hour = RANGE_PRESETS[0];
      if (hour !== undefined && (this.range.kind !== 'preset' || this.range.preset.ms > hour.ms)) this.range = { kind: 'preset', preset: hour };
    } catch (err) {
      this.liveError = `live polling: ${errorMessage(err)}`;
    }
  }

  private tick(): void {
    // Only the live countdown needs the clock: a quiet page does not re-render every second.
    if (this.live?.until == null) return;
    this.now = Date.now();
    if (Date.parse(this.live.until) <= this.now) this.live = { ...this.live, until: null };
  }
}

/** The preset last chosen on this browser, so that a reload or the next host opens with it. */
const RANGE_STORAGE_KEY = 'vigil.hostPage.range';

/** Under the host's name: why its status is what it is (the latest failure), or, before any poll came back, how often it is polled. */
function statusLine(detail: HostDetail) {
  const note = statusNote(detail);
  if (note === null || (note === NO_POLL_RESULT && detail.removed)) return '';
  return html`<span class="status-message" data-status-note>${note === NO_POLL_RESULT ? `${note} (polled every ${formatDuration(detail.intervalSec)})` : note}</span>`;
}

function storedRange(): TimeRange {
  try {
    const preset = presetById(localStorage.getItem(RANGE_STORAGE_KEY) ?? '');
    return preset === undefined ? DEFAULT_RANGE : { kind: 'preset', preset };
  } catch {
    // Storage may be disabled (privacy settings): the default it is.
    return DEFAULT_RANGE;
  }
}

function storeRange(presetId: string): void {
  try {
    localStorage.setItem(RANGE_STORAGE_KEY, presetId);
  } catch {
    // Not remembered, then.
  }
}

/**
 * The charts of a host's page. An SNMP device (a printer, a switch) has no CPU, memory, load or
 * disks to chart, only its interfaces' traffic: its page shows those and its device panel.
 */
function chartSpecsFor(series: HostSeries, detail: HostDetail | null): ChartSpecs {
  const specs = buildChartSpecs(series, detail === null ? undefined : gpuNames(detail));
  if (detail?.latest?.device == null) return specs;
  return { ...specs, charts: specs.charts.filter((chart) => chart.id === 'network' || chart.id.startsWith('net:')) };
}

function gpuNames(detail: HostDetail): Map<string, string> {
  return new Map((detail.latest?.gpus ?? []).map((gpu) => [String(gpu.index), gpu.name]));
}

customElements.define('vigil-host-page', VigilHostPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-host-page': VigilHostPage;
  }
}
