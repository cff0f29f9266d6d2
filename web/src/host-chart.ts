// <host-chart>: one host's recent history as two uPlot charts (CPU and memory %, network rx/tx),
// kept live by fetching only the samples newer than the last one shown.
import { LitElement, css, html } from 'lit';
import uPlot from 'uplot';
import { fetchHostSeries } from './api-client.ts';
import type { HostSeries } from './api-client.ts';
import { formatBytesPerSec, formatPercent } from './format.ts';

export const CHART_RANGES: { label: string; ms: number }[] = [
  { label: '15 min', ms: 15 * 60_000 },
  { label: '1 h', ms: 60 * 60_000 },
  { label: '6 h', ms: 6 * 60 * 60_000 },
  { label: '24 h', ms: 24 * 60 * 60_000 },
  { label: '7 d', ms: 7 * 24 * 60 * 60_000 },
];

/** The columns the charts draw, in the API's own columnar form. */
interface Columns {
  ts: number[];
  cpu: (number | null)[];
  mem: (number | null)[];
  rx: (number | null)[];
  tx: (number | null)[];
}

const CHART_HEIGHT = 220;

export class HostChart extends LitElement {
  static override properties = {
    host: {},
    rangeMs: { attribute: false },
    refreshMs: { attribute: false },
    error: { state: true },
    pointCount: { state: true },
  };

  declare host: string;
  declare rangeMs: number;
  declare refreshMs: number;
  declare error: string | null;
  declare pointCount: number;

  private columns: Columns = emptyColumns();
  /** True while the shown points are bucket averages: new raw points cannot simply be appended to them. */
  private bucketed = false;
  private cpuChart: uPlot | null = null;
  private netChart: uPlot | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped whenever host or range changes, so that an answer to an older request is dropped. */
  private generation = 0;
  private abort: AbortController | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private readonly darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly onSchemeChange = (): void => this.rebuildCharts();

  constructor() {
    super();
    this.host = '';
    this.rangeMs = 60 * 60_000;
    this.refreshMs = 2000;
    this.error = null;
    this.pointCount = 0;
  }

  static override styles = css`
    :host {
      display: block;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.75rem;
      margin-bottom: 0.5rem;
    }
    h2 {
      margin: 0;
      font-size: 1.15rem;
    }
    .ranges {
      display: flex;
      gap: 0.25rem;
    }
    .ranges button {
      font: inherit;
      font-size: 0.85rem;
      padding: 0.15rem 0.55rem;
      border: 1px solid var(--vigil-border);
      border-radius: 4px;
      background: transparent;
      color: inherit;
      cursor: pointer;
    }
    .ranges button[aria-pressed='true'] {
      background: var(--vigil-accent);
      border-color: var(--vigil-accent);
      color: #fff;
    }
    .meta,
    .error {
      font-size: 0.85rem;
      color: var(--vigil-muted);
    }
    .error {
      color: var(--vigil-down);
    }
    h3 {
      margin: 0.75rem 0 0.25rem;
      font-size: 0.9rem;
      font-weight: 600;
      color: var(--vigil-muted);
    }
    .chart {
      min-height: ${CHART_HEIGHT}px;
    }
  `;

  override render() {
    return html`
      <link rel="stylesheet" href="uplot.css" />
      <header>
        <h2>${this.host}</h2>
        <div class="ranges" role="group" aria-label="Time range">
          ${CHART_RANGES.map(
            (range) =>
              html`<button aria-pressed=${range.ms === this.rangeMs ? 'true' : 'false'} @click=${() => (this.rangeMs = range.ms)}>
                ${range.label}
              </button>`,
          )}
        </div>
        <span class="meta">${this.pointCount} points</span>
        ${this.error === null ? '' : html`<span class="error">${this.error}</span>`}
      </header>
      <h3>CPU and memory</h3>
      <div class="chart" id="cpu"></div>
      <h3>Network</h3>
      <div class="chart" id="net"></div>
    `;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.darkQuery.addEventListener('change', this.onSchemeChange);
    this.resizeObserver = new ResizeObserver(() => this.resizeCharts());
    this.resizeObserver.observe(this);
    // Reconnected after a move in the DOM: the charts were destroyed on disconnect.
    if (this.hasUpdated) this.restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.darkQuery.removeEventListener('change', this.onSchemeChange);
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    this.stop();
    this.destroyCharts();
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('host') || changed.has('rangeMs')) this.restart();
  }

  private restart(): void {
    this.stop();
    this.generation++;
    this.columns = emptyColumns();
    this.bucketed = false;
    this.rebuildCharts();
    if (this.host !== '') void this.refresh(true);
  }

  private stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.abort?.abort();
    this.abort = null;
  }

  /** Fetches the whole range (first load, or when bucketed) or only what is newer, then schedules the next run. */
  private async refresh(full: boolean): Promise<void> {
    const generation = this.generation;
    const abort = new AbortController();
    this.abort = abort;
    const now = Date.now();
    const lastTs = this.columns.ts[this.columns.ts.length - 1];
    const whole = full || this.bucketed || lastTs === undefined;
    const fromMs = whole ? now - this.rangeMs : Math.round(lastTs * 1000) + 1;
    try {
      const series = await fetchHostSeries(this.host, { fromMs, maxPoints: this.maxPoints() }, abort.signal);
      if (generation !== this.generation) return;
      this.columns = whole ? toColumns(series) : appendColumns(this.columns, toColumns(series));
      this.bucketed = series.bucketSec !== null;
      this.columns = dropBefore(this.columns, (Date.now() - this.rangeMs) / 1000);
      this.error = null;
      this.draw();
    } catch (err) {
      if (generation !== this.generation || abort.signal.aborted) return;
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      if (generation === this.generation) {
        this.abort = null;
        this.timer = setTimeout(() => void this.refresh(false), this.refreshMs);
      }
    }
  }

  /** About one point per horizontal pixel: more would not show. */
  private maxPoints(): number {
    return Math.max(100, Math.min(5000, Math.round(this.clientWidth || 1000)));
  }

  private draw(): void {
    this.pointCount = this.columns.ts.length;
    const { ts, cpu, mem, rx, tx } = this.columns;
    this.cpuChart?.setData([ts, cpu, mem]);
    this.netChart?.setData([ts, rx, tx]);
  }

  private rebuildCharts(): void {
    this.destroyCharts();
    const cpuTarget = this.renderRoot.querySelector<HTMLElement>('#cpu');
    const netTarget = this.renderRoot.querySelector<HTMLElement>('#net');
    if (cpuTarget === null || netTarget === null) return;
    const theme = readTheme(this);
    const width = this.chartWidth();
    // The x scale follows the clock rather than the data, so that the chart scrolls and a silent host shows as a gap.
    const xRange = (): uPlot.Range.MinMax => [(Date.now() - this.rangeMs) / 1000, Date.now() / 1000];
    const axis = (values?: uPlot.Axis['values']): uPlot.Axis => ({
      stroke: theme.fg,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      ...(values ? { values, size: 80 } : {}),
    });
    const { ts, cpu, mem, rx, tx } = this.columns;
    this.cpuChart = new uPlot(
      {
        width,
        height: CHART_HEIGHT,
        scales: { x: { time: true, range: xRange }, y: { range: [0, 100] } },
        axes: [axis(), axis((_u, splits) => splits.map((v) => formatPercent(v)))],
        series: [
          {},
          { label: 'CPU', stroke: theme.cpu, width: 1.5, value: (_u, v) => formatPercent(v) },
          { label: 'Memory', stroke: theme.mem, width: 1.5, value: (_u, v) => formatPercent(v) },
        ],
      },
      [ts, cpu, mem],
      cpuTarget,
    );
    this.netChart = new uPlot(
      {
        width,
        height: CHART_HEIGHT,
        scales: { x: { time: true, range: xRange }, y: { range: (_u, _min, max) => [0, Math.max(1024, max * 1.1)] } },
        axes: [axis(), axis((_u, splits) => splits.map((v) => formatBytesPerSec(v)))],
        series: [
          {},
          { label: 'Received', stroke: theme.rx, width: 1.5, value: (_u, v) => formatBytesPerSec(v) },
          { label: 'Sent', stroke: theme.tx, width: 1.5, value: (_u, v) => formatBytesPerSec(v) },
        ],
      },
      [ts, rx, tx],
      netTarget,
    );
  }

  private destroyCharts(): void {
    this.cpuChart?.destroy();
    this.netChart?.destroy();
    this.cpuChart = null;
    this.netChart = null;
  }

  private chartWidth(): number {
    return Math.max(300, Math.floor(this.getBoundingClientRect().width));
  }

  private resizeCharts(): void {
    const width = this.chartWidth();
    for (const chart of [this.cpuChart, this.netChart]) {
      if (chart !== null && chart.width !== width) chart.setSize({ width, height: CHART_HEIGHT });
    }
  }
}

function emptyColumns(): Columns {
  return { ts: [], cpu: [], mem: [], rx: [], tx: [] };
}

function toColumns(series: HostSeries): Columns {
  return {
    ts: series.ts,
    cpu: series.cpuBusyPct,
    mem: series.memUsedPct,
    rx: series.netRxBytesPerSec,
    tx: series.netTxBytesPerSec,
  };
}

function appendColumns(a: Columns, b: Columns): Columns {
  // A point at or before the last shown one would break uPlot's ascending x: skip such repeats.
  const last = a.ts[a.ts.length - 1] ?? -Infinity;
  const start = b.ts.findIndex((t) => t > last);
  if (start === -1) return a;
  return {
    ts: a.ts.concat(b.ts.slice(start)),
    cpu: a.cpu.concat(b.cpu.slice(start)),
    mem: a.mem.concat(b.mem.slice(start)),
    rx: a.rx.concat(b.rx.slice(start)),
    tx: a.tx.concat(b.tx.slice(start)),
  };
}

function dropBefore(c: Columns, minTsSec: number): Columns {
  const start = c.ts.findIndex((t) => t >= minTsSec);
  if (start <= 0) return start === 0 ? c : emptyColumns();
  return {
    ts: c.ts.slice(start),
    cpu: c.cpu.slice(start),
    mem: c.mem.slice(start),
    rx: c.rx.slice(start),
    tx: c.tx.slice(start),
  };
}

interface ChartTheme {
  fg: string;
  grid: string;
  cpu: string;
  mem: string;
  rx: string;
  tx: string;
}

// Canvas cannot use CSS variables, so the colours of the current scheme are read once per chart build.
function readTheme(element: Element): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: read('--vigil-muted', '#666'),
    grid: read('--vigil-grid', 'rgba(128,128,128,0.2)'),
    cpu: read('--vigil-cpu', '#e8590c'),
    mem: read('--vigil-mem', '#1c7ed6'),
    rx: read('--vigil-rx', '#2f9e44'),
    tx: read('--vigil-tx', '#ae3ec9'),
  };
}

customElements.define('host-chart', HostChart);

declare global {
  interface HTMLElementTagNameMap {
    'host-chart': HostChart;
  }
}
