// <host-table>: the fleet, one row per host, for fleets of thousands. Only the rows in view (and
// a few around them) are in the DOM: rows have a fixed height, a spacer gives the scrollbar the
// whole list's height, and each row is placed at its own offset. Scrolling recycles the rows that
// left the view for the hosts coming into it, a block at a time (HostRow, filled in place), so
// most scrolled frames touch no row and no Lit template runs for any. Every column header sorts
// (fires `sort-change`); each host's name is a link to its page, so Tab reaches every row in view
// (in index order once scrolling stops), Enter opens it, and the arrow keys, Page Up/Down, Home
// and End move through all of them.
import { LitElement, css, html, nothing } from 'lit';
import type { HostOverview } from './api-client.ts';
import { hostHref } from './app-route.ts';
import type { HostSort, SortKey } from './host-rows.ts';
import { HostRow, ROW_HEIGHT } from './host-row.ts';

/** Rows rendered beyond each edge of the view, so a quick scroll or a Tab lands on a real row. */
const OVERSCAN = 6;
/** Rows are added and recycled this many at a time (placeRows). */
const BLOCK = 16;
/** The DOM order is put back this long after the last scrolled frame. */
const ORDER_AFTER_SCROLL_MS = 150;
/** Set once per page, when the first host row is in the DOM: what "first meaningful paint" waits for. */
const FIRST_ROW_MARK = 'vigil:first-row';

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
  };

  /** Already filtered and sorted. */
  declare hosts: HostOverview[];
  declare sparklines: ReadonlyMap<string, (number | null)[]>;
  declare sort: HostSort;
  /** Milliseconds since the epoch that sample ages are measured from. */
  declare now: number;
  /** Shown instead of rows when there are none (no hosts yet, or none match the filters). */
  declare emptyText: string;
  /** Index of the first row in view; not a Lit property: scrolling must not re-render the template. */
  private first = 0;
  /** Rows that fit in the viewport, from its height as the ResizeObserver last reported it. */
  private visibleRows = 20;
  /** The rows in the DOM by the index they show, and rows out of it kept for reuse. */
  private readonly rows = new Map<number, HostRow>();
  private readonly spareRows: HostRow[] = [];
  private frame: number | null = null;
  private orderTimer: ReturnType<typeof setTimeout> | null = null;
  private resizeObserver: ResizeObserver | null = null;

  constructor() {
    super();
    this.hosts = [];
    this.sparklines = new Map();
    this.sort = { key: 'status', direction: 'asc' };
    this.now = Date.now();
    this.emptyText = 'No hosts.';
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
      will-change: scroll-position;
    }
    .spacer {
      position: relative;
      width: 100%;
    }
    /* Each row sits at its own offset (a transform HostRow sets) and is laid out and painted on its
       own: recycling one row leaves the others untouched. */
    .body .row {
      position: absolute;
      top: 0;
      left: 0;
      right: 0;
      contain: strict;
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
    /* A child entry (a vCenter's hypervisor or VM): indented, its parent's name as a muted prefix. */
    a.name.child {
      padding-left: 0.9rem;
    }
    a.name.child.nested {
      padding-left: 1.8rem;
    }
    a.name.child::before {
      content: attr(data-parent) ' ';
      color: var(--vigil-muted);
      font-weight: 400;
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
    this.resizeObserver = new ResizeObserver((entries) => {
      const height = entries.at(-1)?.contentRect.height;
      if (height === undefined) return;
      const rows = Math.max(1, Math.ceil(height / ROW_HEIGHT));
      if (rows === this.visibleRows) return;
      this.visibleRows = rows;
      this.placeRows();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.resizeObserver = null;
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    if (this.orderTimer !== null) clearTimeout(this.orderTimer);
    this.orderTimer = null;
  }

  protected override firstUpdated(): void {
    const viewport = this.viewport();
    if (!viewport) return;
    this.resizeObserver?.observe(viewport);
    // Once, before the first rows: the observer reports only after layout, a frame later.
    this.sizeSpacer();
    this.visibleRows = Math.max(1, Math.ceil(viewport.clientHeight / ROW_HEIGHT));
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    // Fewer rows than before (a filter): the old scroll position may point past the end. Read
    // only when the list changed, never while scrolling.
    if (changed.has('hosts')) this.first = Math.floor((this.viewport()?.scrollTop ?? 0) / ROW_HEIGHT);
    this.placeRows();
  }

  override render() {
    const total = this.hosts.length;
    return html`
      <div role="table" aria-label="Hosts" aria-rowcount=${total + 1}>
        <div class="row head" role="row" aria-rowindex="1">${COLUMNS.map((column) => this.renderHeader(column))}</div>
        <div class="viewport body" role="rowgroup" @scroll=${this.onScroll} @keydown=${this.onKeyDown} @click=${this.onRowClick}>
          ${total === 0 ? html`<p class="empty" role="row"><span role="cell">${this.emptyText}</span></p>` : nothing}
          <div class="spacer"></div>
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

  private toggleSort(key: SortKey): void {
    // Figures start with the highest (what is hot), text and status with the first.
    const direction = this.sort.key === key ? (this.sort.direction === 'asc' ? 'desc' : 'asc') : COLUMNS.find((c) => c.key === key)?.numeric ? 'desc' : 'asc';
    this.dispatchEvent(new CustomEvent<SortChangeDetail>('sort-change', { detail: { key, direction }, bubbles: true, composed: true }));
  }

  private onRowClick(event: MouseEvent): void {
    // The link handles its own clicks (and middle clicks, new tabs); the rest of the row follows it.
    const target = event.target as Element | null;
    if (!target || target.closest('a')) return;
    const host = this.hosts[Number(target.closest<HTMLElement>('.body .row')?.dataset['index'])];
    if (host) location.hash = hostHref(host.name);
  }

  private viewport(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.viewport');
  }

  /**
   * Puts the rows around the view in the DOM, in blocks of BLOCK: the range (first - OVERSCAN to
   * first + visibleRows + OVERSCAN at least, in whole blocks) moves only when the view crosses a
   * block edge, so most scrolled frames change nothing, and the others refill one block at once.
   * Rows that left the range are refilled in place for the indexes that came into it: their
   * elements are not moved, which would make the browser style and lay out each one afresh; the
   * DOM order (which Tab follows) is put back once the scrolling stops (orderRows).
   */
  private placeRows(scrolling = false): void {
    const spacer = this.sizeSpacer();
    if (!spacer) return;
    const total = this.hosts.length;
    // A whole number of blocks from the block holding first - OVERSCAN, enough for OVERSCAN rows
    // below the view wherever first is in that block: the range keeps its size as it moves.
    const start = Math.max(0, Math.min(Math.floor((this.first - OVERSCAN) / BLOCK) * BLOCK, total - 1));
    const end = Math.min(total, start + Math.ceil((this.visibleRows + 2 * OVERSCAN + BLOCK) / BLOCK) * BLOCK);
    const focused = this.focusedRow();
    for (const [index, row] of this.rows) {
      if (index >= start && index < end) continue;
      this.rows.delete(index);
      // A focused row showing another host would keep the focus on it: taken out, it loses it.
      if (row === focused) row.element.remove();
      this.spareRows.push(row);
    }
    let added = false;
    for (let index = start; index < end; index++) {
      const host = this.hosts[index];
      if (host === undefined) break;
      let row = this.rows.get(index);
      if (row === undefined) {
        row = this.spareRows.pop() ?? new HostRow();
        this.rows.set(index, row);
        if (!row.element.isConnected) {
          spacer.append(row.element);
          added = true;
        }
      }
      row.show(host, index, this.sparklines.get(host.name), this.now);
    }
    // Fewer rows than before (a filter, the end of the list): the rest leave the DOM.
    for (const row of this.spareRows) row.element.remove();
    if (scrolling) this.orderWhenStill();
    else if (added || this.orderTimer !== null) this.orderRows();
    if (this.rows.size > 0 && !firstRowMarked) {
      firstRowMarked = true;
      performance.mark(FIRST_ROW_MARK);
    }
  }

  /** The row holding the keyboard focus, if any. */
  private focusedRow(): HostRow | undefined {
    const active = (this.renderRoot as ShadowRoot).activeElement?.closest('.body .row');
    if (!active) return undefined;
    for (const row of this.rows.values()) if (row.element === active) return row;
    return undefined;
  }

  private orderWhenStill(): void {
    if (this.orderTimer !== null) clearTimeout(this.orderTimer);
    this.orderTimer = setTimeout(() => this.orderRows(), ORDER_AFTER_SCROLL_MS);
  }

  /** Puts the rows' elements in index order, moving only those out of place, and keeps the focus. */
  private orderRows(): void {
    if (this.orderTimer !== null) clearTimeout(this.orderTimer);
    this.orderTimer = null;
    const spacer = this.renderRoot.querySelector<HTMLElement>('.spacer');
    if (!spacer) return;
    const active = (this.renderRoot as ShadowRoot).activeElement;
    let expected = spacer.firstElementChild;
    for (const index of [...this.rows.keys()].sort((a, b) => a - b)) {
      const element = this.rows.get(index)?.element;
      if (!element) continue;
      if (element === expected) expected = element.nextElementSibling;
      else spacer.insertBefore(element, expected);
    }
    if (active instanceof HTMLElement && (this.renderRoot as ShadowRoot).activeElement !== active && active.isConnected) active.focus({ preventScroll: true });
  }

  /** Gives the scrollbar the whole list's height. */
  private sizeSpacer(): HTMLElement | null {
    const spacer = this.renderRoot.querySelector<HTMLElement>('.spacer');
    // Through the CSSOM: a style attribute (what a styleMap binding writes on its first render)
    // is refused by the Content-Security-Policy (style-src 'self'), and the spacer is 0 px high.
    const height = `${this.hosts.length * ROW_HEIGHT}px`;
    if (spacer && spacer.style.height !== height) spacer.style.height = height;
    return spacer;
  }

  private onScroll(): void {
    // One update per frame however many scroll events arrive; scrollTop is read before anything
    // is written, so it costs no layout.
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      const first = Math.floor((this.viewport()?.scrollTop ?? 0) / ROW_HEIGHT);
      if (first === this.first) return;
      this.first = first;
      this.placeRows(true);
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
    this.first = Math.floor(viewport.scrollTop / ROW_HEIGHT);
    this.placeRows();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`.row[data-index="${index}"] a.name`)?.focus();
  }
}

let firstRowMarked = false;

customElements.define('host-table', HostTable);

declare global {
  interface HTMLElementTagNameMap {
    'host-table': HostTable;
  }
}
