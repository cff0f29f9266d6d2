// <vigil-chart>: one uPlot chart of the host page, drawn from a ChartSpec and the shared time
// column. Its cursor is synced with every chart of the same syncKey; dragging across it asks for
// that span ("chart-zoom"), a click asks what ran at that moment ("chart-pick").
import { LitElement, css, html } from 'lit';
import uPlot from 'uplot';
import type { ChartSpec, ChartUnit } from './chart-specs.ts';
import { stackColumns } from './chart-stack.ts';
import { readChartTheme, withAlpha } from './chart-theme.ts';
import type { ChartTheme } from './chart-theme.ts';
import { formatBytesPerSec, formatCount, formatCountPerSec, formatLoad, formatPercent } from './format.ts';

export interface ChartZoomDetail {
  fromMs: number;
  toMs: number;
}

export interface ChartPickDetail {
  atMs: number;
}

const PLOT_HEIGHT = 170;
/** A drag shorter than this is a click. */
const CLICK_SLOP_PX = 4;

export class VigilChart extends LitElement {
  static override properties = {
    spec: { attribute: false },
    ts: { attribute: false },
    xRange: { attribute: false },
    syncKey: { attribute: false },
  };

  declare spec: ChartSpec | null;
  /** Unix seconds, ascending; spec's columns are aligned with it. */
  declare ts: number[];
  /** The x axis's [from, to] in Unix seconds: the range asked for, whatever the data covers. */
  declare xRange: [number, number];
  declare syncKey: string;

  private chart: uPlot | null = null;
  /** What the chart was built for: a change of series, units or colours rebuilds it. */
  private builtFor = '';
  private theme: ChartTheme | null = null;
  private dragFromX: number | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor() {
    super();
    this.spec = null;
    this.ts = [];
    this.xRange = [0, 1];
    this.syncKey = 'vigil-host';
  }

  static override styles = css`
    :host {
      display: block;
      min-width: 0;
    }
    h3 {
      margin: 0 0 0.25rem;
      font-size: 0.9rem;
      font-weight: 600;
      color: var(--vigil-fg);
      overflow-wrap: anywhere;
    }
    .plot {
      min-height: ${PLOT_HEIGHT}px;
    }
    .plot .u-legend {
      font-size: 0.78rem;
      color: var(--vigil-muted);
    }
    .plot .u-select {
      background: var(--vigil-selected);
    }
  `;

  override render() {
    return html`
      <link rel="stylesheet" href="uplot.css" />
      <h3>${this.spec?.title ?? ''}</h3>
      <div class="plot" part="plot"></div>
    `;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this);
    window.addEventListener('mouseup', this.onMouseUp);
    if (this.hasUpdated) this.draw();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    window.removeEventListener('mouseup', this.onMouseUp);
    this.destroy();
  }

  protected override updated(): void {
    this.draw();
  }

  /** The theme's colours changed: build again with the new ones. */
  refreshTheme(): void {
    this.theme = null;
    this.builtFor = '';
    this.draw();
  }

  /** How many points the chart holds now (for tests and the page's counters). */
  get pointCount(): number {
    return this.chart?.data[0]?.length ?? 0;
  }

  private draw(): void {
    const spec = this.spec;
    const target = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (spec === null || target === null || !this.isConnected) return;
    this.theme ??= readChartTheme(this);
    const shape = JSON.stringify([spec.id, spec.unit, spec.rightUnit, spec.stacked, spec.max, spec.series.map((s) => [s.label, s.color, s.right])]);
    const data = this.alignedData(spec);
    if (this.chart !== null && shape === this.builtFor) {
      this.chart.setData(data);
      return;
    }
    this.destroy();
    this.builtFor = shape;
    this.chart = new uPlot(this.options(spec, this.theme), data, target);
    this.chart.over.addEventListener('mousedown', this.onMouseDown);
  }

  private alignedData(spec: ChartSpec): uPlot.AlignedData {
    const columns = spec.series.map((s) => s.values);
    return [this.ts, ...(spec.stacked ? stackColumns(columns).columns : columns)];
  }

  private options(spec: ChartSpec, theme: ChartTheme): uPlot.Options {
    const axis = (unit: ChartUnit, side?: 1): uPlot.Axis => ({
      stroke: theme.muted,
      grid: side === 1 ? { show: false } : { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      values: (_u, splits) => splits.map((v) => formatValue(unit, v)),
      // Fixed per unit rather than measured, so that charts of one unit line up their plots in the grid.
      size: AXIS_WIDTH[unit],
      ...(side === 1 ? { side, scale: 'y2' } : {}),
    });
    const yRange = (max: number | undefined): uPlot.Scale['range'] =>
      max !== undefined ? [0, max] : (_u, _min, dataMax) => [0, dataMax > 0 ? dataMax * 1.1 : 1];
    const scales: uPlot.Scales = {
      x: { time: true, range: () => this.xRange },
      y: { range: yRange(spec.max) },
    };
    const axes: uPlot.Axis[] = [{ stroke: theme.muted, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } }, axis(spec.unit)];
    if (spec.rightUnit !== undefined) {
      scales['y2'] = { range: yRange(spec.rightUnit === 'percent' ? 100 : undefined) };
      axes.push(axis(spec.rightUnit, 1));
    }
    const series: uPlot.Series[] = [
      {},
      ...spec.series.map((s): uPlot.Series => {
        const colour = theme.colours[s.color];
        const unit = s.right ? (spec.rightUnit ?? spec.unit) : spec.unit;
        return {
          label: s.label,
          stroke: colour,
          width: 1.5,
          scale: s.right ? 'y2' : 'y',
          // The legend shows each series' own value, not the stacked sum it is drawn at.
          value: (_u, _v, _si, idx) => (idx === null ? '—' : formatValue(unit, s.values[idx] ?? null)),
          ...(spec.stacked ? { fill: withAlpha(colour, 0.45) } : {}),
        };
      }),
    ];
    return {
      width: this.chartWidth(),
      height: PLOT_HEIGHT,
      scales,
      axes,
      series,
      ...(spec.stacked ? { bands: stackColumns(spec.series.map((s) => s.values)).bands } : {}),
      cursor: {
        sync: { key: this.syncKey },
        drag: { x: true, y: false, setScale: false },
      },
      legend: { live: true },
    };
  }

  private readonly onMouseDown = (event: MouseEvent): void => {
    if (event.button !== 0) return;
    this.dragFromX = event.clientX;
  };

  // On window, so that it runs after uPlot's own handler on document, which leaves the dragged
  // span selected here and, through the cursor sync, on every other chart: each clears its own.
  private readonly onMouseUp = (event: MouseEvent): void => {
    const chart = this.chart;
    const fromX = this.dragFromX;
    this.dragFromX = null;
    if (chart === null) return;
    if (chart.select.width > 0) chart.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    if (fromX === null) return;
    const rect = chart.over.getBoundingClientRect();
    const toLeft = (clientX: number): number => Math.min(rect.width, Math.max(0, clientX - rect.left));
    const a = chart.posToVal(toLeft(fromX), 'x') * 1000;
    const b = chart.posToVal(toLeft(event.clientX), 'x') * 1000;
    if (Math.abs(event.clientX - fromX) > CLICK_SLOP_PX) {
      this.dispatchEvent(new CustomEvent<ChartZoomDetail>('chart-zoom', { detail: { fromMs: Math.min(a, b), toMs: Math.max(a, b) }, bubbles: true, composed: true }));
    } else {
      this.dispatchEvent(new CustomEvent<ChartPickDetail>('chart-pick', { detail: { atMs: b }, bubbles: true, composed: true }));
    }
  };

  private chartWidth(): number {
    return Math.max(240, Math.floor(this.getBoundingClientRect().width));
  }

  private resize(): void {
    const width = this.chartWidth();
    if (this.chart !== null && this.chart.width !== width) this.chart.setSize({ width, height: PLOT_HEIGHT });
  }

  private destroy(): void {
    this.chart?.over.removeEventListener('mousedown', this.onMouseDown);
    this.chart?.destroy();
    this.chart = null;
    this.builtFor = '';
  }
}

/** Room for the widest tick label of each unit ("19.1 MiB/s", "8.00 ms", "40.0k/s", "100 %"). */
const AXIS_WIDTH: Record<ChartUnit, number> = {
  percent: 56, load: 56, celsius: 56, count: 56, milliseconds: 72, perSec: 72, bytesPerSec: 84,
};

export function formatValue(unit: ChartUnit, value: number | null): string {
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'bytesPerSec':
      return formatBytesPerSec(value);
    case 'load':
      return formatLoad(value);
    case 'celsius':
      return value === null || !Number.isFinite(value) ? '—' : `${value.toFixed(0)} °C`;
    case 'milliseconds':
      return value === null || !Number.isFinite(value) ? '—' : `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
    case 'count':
      return formatCount(value);
    case 'perSec':
      return formatCountPerSec(value);
  }
}

customElements.define('vigil-chart', VigilChart);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-chart': VigilChart;
  }
}
