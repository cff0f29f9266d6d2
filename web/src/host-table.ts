// <host-table>: the fleet, one row per host, for fleets of thousands. Only the rows in view (and
// a few around them) are in the DOM: rows have a fixed height, a spacer gives the scrollbar the
// whole list's height, and the slice follows scrollTop. Every column header sorts (fires
// `sort-change`); each host's name is a link to its page, so Tab reaches every row in view,
// Enter opens it, and the arrow keys, Page Up/Down, Home and End move through all of them.
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { HostOverview } from './api-client.ts';
import { hostHref } from './app-route.ts';
import { formatAge, formatBytesPerSec, formatPercent } from './format.ts';
import { displayStatus } from './host-rows.ts';
import type { HostSort, SortKey } from './host-rows.ts';
import { renderSparkline, sparklineMean } from './sparkline.ts';

export const ROW_HEIGHT = 36;
/** Rows rendered beyond each edge of the view, so a quick scroll or a Tab lands on a real row. */
const OVERSCAN = 8;
const SPARK = { width: 96, height: 22, max: 100 };

const COLUMNS: { key: SortKey; label: string; numeric: boolean; className: string }[] = [
  { key: 'status', label: 'Status', numeric: false, className: 'c-status' },
  { key: 'name', label: 'Host', numeric: false, className: 'c-name' },
  { key: 'groups', label: 'Groups', numeric: false, className: 'c-groups' },
  { key: 'cpu', label: 'CPU', numeric: true, className: 'c-cpu' },
  { key: 'mem', label: 'Memory', numeric: true, className: 'c-mem' },
  { key: 'disk', label: 'Disk', numeric: true, className: 'c-disk' },
  { key: 'net', label: 'Network', numeric: true, className: 'c-net' },
  { key: 'trend', label: 'CPU, 1 h', numeric: true, className: 'c-trend' },
];

export interface SortChangeDetail extends HostSort {}

export class HostTable extends LitElement {
  static override properties = {
    hosts: { attribute: false },
    sparklines: { attribute: false },
    sort: { attribute: false },
    now: { attribute: false },
    emptyText: { attribute: false },
    first: { state: true },
    visibleRows: { state: true },
  };

  /** Already filtered and sorted. */
  declare hosts: HostOverview[];
  declare sparklines: ReadonlyMap<string, (number | null)[]>;
  declare sort: HostSort;
  /** Milliseconds since the epoch that sample ages are measured from. */
  declare now: number;
  /** Shown instead of rows when there are none (no hosts yet, or none match the filters). */
  declare emptyText: string;
  /** Index of the first row in view. */
  declare first: number;
  /** Rows that fit in the viewport. */
  declare visibleRows: number;

  private frame: number | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor() {
    super();
    this.hosts = [];
    this.sparklines = new Map();
    this.sort = { key: 'status', direction: 'asc' };
    this.now = Date.now();
    this.emptyText = 'No hosts.';
    this.first = 0;
    this.visibleRows = 20;
  }

  static override styles = css`
    :host {
      display: block;
      --columns: 6.5rem minmax(9rem, 2fr) minmax(6rem, 1.3fr) 4.8rem 5.2rem 4.8rem minmax(9rem, 1fr) 7.5rem;
      font-variant-numeric: tabular-nums;
    }
    .row {
      display: grid;
      grid-template-columns: var(--columns);
      align-items: center;
      column-gap: 0.5rem;
      padding: 0 0.5rem;
      box-sizing: border-box;
    }
    .head {
      border-bottom: 1px solid var(--vigil-border);
    }
    .head button {
      all: unset;
      box-sizing: border-box;
      width: 100%;
      padding: 0.45rem 0;
      font-size: 0.8rem;
      font-weight: 600;
      color: var(--vigil-muted);
      cursor: pointer;
      white-space: nowrap;
    }
    .head button:hover {
      color: var(--vigil-fg);
    }
    .head button:focus-visible,
    a.name:focus-visible {
      outline: 2px solid var(--vigil-focus);
      outline-offset: 2px;
    }
    .numeric {
      text-align: right;
    }
    .head .numeric button {
      text-align: right;
    }
    .arrow {
      display: inline-block;
      width: 0.9em;
    }
    .viewport {
      position: relative;
      overflow-y: auto;
      /* As tall as its rows, up to most of the window; the spacer inside gives the height. */
      max-height: var(--table-height, max(16rem, min(70vh, 44rem)));
      contain: content;
    }
    .spacer {
      position: relative;
      width: 100%;
    }
    .rows {
      position: absolute;
      top: 0;
      left: 0;
      right: 0;
      will-change: transform;
    }
    .body .row {
      height: ${ROW_HEIGHT}px;
      border-bottom: 1px solid var(--vigil-border);
      cursor: pointer;
    }
    .body .row:hover {
      background: var(--vigil-hover);
    }
    .body .row:focus-within {
      background: var(--vigil-selected);
    }
    .row.removed {
      opacity: 0.6;
    }
    .cell {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      min-width: 0;
    }
    a.name {
      color: inherit;
      font-weight: 600;
      text-decoration: none;
    }
    a.name:hover {
      text-decoration: underline;
    }
    .groups,
    .net {
      color: var(--vigil-muted);
      font-size: 0.85rem;
    }
    .status {
      display: inline-block;
      min-width: 4.8em;
      padding: 0.08rem 0.45rem;
      border-radius: 999px;
      font-size: 0.78rem;
      font-weight: 600;
      text-align: center;
      color: #fff;
      background: var(--vigil-unknown);
    }
    .status.up {
      background: var(--vigil-up);
    }
    .status.down {
      background: var(--vigil-down);
    }
    .hot {
      color: var(--vigil-crit);
      font-weight: 600;
    }
    .warm {
      color: var(--vigil-warn);
      font-weight: 600;
    }
    .c-trend {
      color: var(--vigil-cpu);
      display: flex;
      justify-content: flex-end;
    }
    .empty {
      padding: 1.5rem 0.5rem;
      color: var(--vigil-muted);
    }
    @media (max-width: 1100px) {
      :host {
        --columns: 6.2rem minmax(8rem, 2fr) 4.5rem 5rem 4.5rem minmax(8rem, 1fr) 7rem;
      }
      .c-groups {
        display: none;
      }
    }
    @media (max-width: 760px) {
      :host {
        --columns: 5.8rem minmax(7rem, 1fr) 4.3rem 4.8rem;
      }
      .c-disk,
      .c-net,
      .c-trend {
        display: none !important;
      }
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.measure());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
  }

  protected override firstUpdated(): void {
    const viewport = this.viewport();
    if (viewport) this.resizeObserver?.observe(viewport);
    this.measure();
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    // Fewer rows than before (a filter): the old scroll position may point past the end.
    if (changed.has('hosts')) this.measure();
  }

  override render() {
    const total = this.hosts.length;
    const start = Math.max(0, Math.min(this.first - OVERSCAN, total - 1));
    const end = Math.min(total, this.first + this.visibleRows + OVERSCAN);
    const slice = total === 0 ? [] : this.hosts.slice(start, end);
    return html`
      <div role="table" aria-label="Hosts" aria-rowcount=${total + 1}>
        <div class="row head" role="row" aria-rowindex="1">${COLUMNS.map((column) => this.renderHeader(column))}</div>
        <div class="viewport body" role="rowgroup" @scroll=${this.onScroll} @keydown=${this.onKeyDown}>
          ${total === 0
            ? html`<p class="empty" role="row"><span role="cell">${this.emptyText}</span></p>`
            : html`<div class="spacer" style=${styleMap({ height: `${total * ROW_HEIGHT}px` })}>
                <div class="rows" style=${styleMap({ transform: `translateY(${start * ROW_HEIGHT}px)` })}>
                  ${repeat(slice, (host) => host.name, (host, i) => this.renderRow(host, start + i))}
                </div>
              </div>`}
        </div>
      </div>
    `;
  }

  private renderHeader(column: (typeof COLUMNS)[number]) {
    const active = this.sort.key === column.key;
    const ariaSort = active ? (this.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
    return html`<div role="columnheader" class="cell ${column.className} ${column.numeric ? 'numeric' : ''}" aria-sort=${ariaSort}>
      <button type="button" data-sort=${column.key} @click=${() => this.toggleSort(column.key)}>
        ${column.label}<span class="arrow" aria-hidden="true">${active ? (this.sort.direction === 'asc' ? '▲' : '▼') : ''}</span>
      </button>
    </div>`;
  }

  private renderRow(host: HostOverview, index: number) {
    const latest = host.latest;
    const status = displayStatus(host);
    const statusTitle = host.statusMessage ?? host.statusReason ?? nothing;
    const spark = this.sparklines.get(host.name);
    const mean = sparklineMean(spark);
    const lastSample = latest ? `last sample ${formatAge(latest.ts, this.now)}` : 'no sample yet';
    return html`
      <div class="row ${host.removed ? 'removed' : ''}" role="row" aria-rowindex=${index + 2} data-index=${index} @click=${(event: MouseEvent) => this.onRowClick(event, host.name)}>
        <div class="cell c-status" role="cell"><span class="status ${status}" title=${statusTitle}>${status}</span></div>
        <div class="cell c-name" role="cell">
          <a class="name" href=${hostHref(host.name)} title=${`${host.name} (${host.address}), ${lastSample}`}>${host.name}</a>
        </div>
        <div class="cell c-groups groups" role="cell" title=${host.groups.join(', ')}>${host.groups.join(', ')}</div>
        <div class="cell c-cpu numeric ${heat(latest?.cpuBusyPct)}" role="cell">${formatPercent(latest?.cpuBusyPct)}</div>
        <div class="cell c-mem numeric ${heat(latest?.memUsedPct)}" role="cell">${formatPercent(latest?.memUsedPct)}</div>
        <div class="cell c-disk numeric ${heat(latest?.diskUsedPctMax)}" role="cell">${formatPercent(latest?.diskUsedPctMax)}</div>
        <div class="cell c-net numeric net" role="cell">
          ${latest ? html`↓ ${formatBytesPerSec(latest.netRxBytesPerSec)} ↑ ${formatBytesPerSec(latest.netTxBytesPerSec)}` : '—'}
        </div>
        <div class="cell c-trend" role="cell" aria-label=${mean === null ? 'no CPU figures in the last hour' : `CPU over the last hour: ${formatPercent(mean)} on average`}>
          ${renderSparkline(spark, SPARK)}
        </div>
      </div>
    `;
  }

  private toggleSort(key: SortKey): void {
    // Figures start with the highest (what is hot), text and status with the first.
    const direction = this.sort.key === key ? (this.sort.direction === 'asc' ? 'desc' : 'asc') : COLUMNS.find((c) => c.key === key)?.numeric ? 'desc' : 'asc';
    this.dispatchEvent(new CustomEvent<SortChangeDetail>('sort-change', { detail: { key, direction }, bubbles: true, composed: true }));
  }

  private onRowClick(event: MouseEvent, name: string): void {
    // The link handles its own clicks (and middle clicks, new tabs); the rest of the row follows it.
    if ((event.target as Element | null)?.closest('a')) return;
    location.hash = hostHref(name);
  }

  private viewport(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.viewport');
  }

  private measure(): void {
    const viewport = this.viewport();
    if (!viewport) return;
    this.visibleRows = Math.max(1, Math.ceil(viewport.clientHeight / ROW_HEIGHT));
    this.first = Math.floor(viewport.scrollTop / ROW_HEIGHT);
  }

  private onScroll(): void {
    // One re-render per frame however many scroll events arrive.
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.measure();
    });
  }

  private onKeyDown(event: KeyboardEvent): void {
    const row = (event.target as Element | null)?.closest<HTMLElement>('.row');
    if (!row?.dataset['index']) return;
    const index = Number(row.dataset['index']);
    const page = Math.max(1, this.visibleRows - 1);
    const targets: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + page, PageUp: index - page, Home: 0, End: this.hosts.length - 1 };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    void this.focusRow(Math.max(0, Math.min(this.hosts.length - 1, target)));
  }

  /** Scrolls row `index` into view if need be, renders it, and focuses its link. */
  async focusRow(index: number): Promise<void> {
    const viewport = this.viewport();
    if (!viewport) return;
    const top = index * ROW_HEIGHT;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_HEIGHT - viewport.clientHeight;
    this.measure();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`.row[data-index="${index}"] a.name`)?.focus();
  }
}

function heat(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return value >= 90 ? 'hot' : value >= 80 ? 'warm' : '';
}

customElements.define('host-table', HostTable);

declare global {
  interface HTMLElementTagNameMap {
    'host-table': HostTable;
  }
}
