// <vigil-fleet-overview>: the fleet at a glance: hosts by status, firing alerts by severity, fleet
// averages, and the host table with filters. Kept live by the event stream: any `samples` or
// `host` event asks for a refresh, and refreshes are coalesced to at most one a second however
// many events arrive. While the stream is down it polls every 5 s instead. A refresh asks only
// for the hosts changed since the last answer's cursor and merges them in; the table shows as
// soon as the hosts are in, before the summary and the sparklines.
import { LitElement, css, html } from 'lit';
import { ApiError, errorMessage, fetchFleetSummary, fetchHosts, fetchSparklines } from './api-client.ts';
import type { FleetSummary, HostListAnswer, HostOverview } from './api-client.ts';
import { formatBytesPerSec, formatPercent } from './format.ts';
import { NO_FILTER, filterHosts, groupsOf, mergeHosts, sortHosts } from './host-rows.ts';
import type { HostFilter, HostSort, StatusFilter } from './host-rows.ts';
import type { SortChangeDetail } from './host-table.ts';
import { followLive } from './live-events.ts';
import { RefreshCoalescer } from './refresh-coalescer.ts';
import { sharedStyles } from './shared-styles.ts';
import './host-table.ts';

const MIN_REFRESH_GAP_MS = 1000;
const POLL_MS = 5000;
const SPARKLINE_REFRESH_MS = 30_000;
export const SPARKLINE_MINUTES = 60;
export const SPARKLINE_POINTS = 30;

export class FleetOverview extends LitElement {
  static override properties = {
    hosts: { state: true },
    summary: { state: true },
    sparklines: { state: true },
    filter: { state: true },
    sort: { state: true },
    error: { state: true },
    loaded: { state: true },
    now: { state: true },
  };

  declare hosts: HostOverview[];
  declare summary: FleetSummary | null;
  declare sparklines: ReadonlyMap<string, (number | null)[]>;
  declare filter: HostFilter;
  declare sort: HostSort;
  declare error: string | null;
  declare loaded: boolean;
  declare now: number;

  /** The rows the table shows: filtered and sorted again only when an input changed. */
  private rows: HostOverview[] = [];
  private groups: string[] = [];
  private unfollow: (() => void) | null = null;
  private refresher: RefreshCoalescer | null = null;
  private lastSparklinesAt = 0;
  /** The last hosts answer's cursor: the next refresh asks only for what changed since. */
  private cursor: string | null = null;
  private abort: AbortController | null = null;
  private readonly onVisibility = (): void => {
    if (!document.hidden) this.requestRefresh();
  };

  constructor() {
    super();
    this.hosts = [];
    this.summary = null;
    this.sparklines = new Map();
    this.filter = NO_FILTER;
    this.sort = { key: 'status', direction: 'asc' };
    this.error = null;
    this.loaded = false;
    this.now = Date.now();
  }

  static override styles = [
    sharedStyles,
    css`
      .cards {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
        gap: 1rem;
        margin-bottom: 1rem;
      }
      .cards .panel {
        margin: 0;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(6rem, 1fr));
        gap: 0.4rem 0.75rem;
        margin: 0;
      }
      dt {
        font-size: 0.78rem;
        color: var(--vigil-muted);
      }
      dd {
        margin: 0;
        font-size: 1.35rem;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      dd.small {
        font-size: 0.95rem;
        white-space: nowrap;
      }
      .cards .panel > p {
        margin: 0.5rem 0 0;
        font-size: 0.8rem;
      }
      .up {
        color: var(--vigil-up);
      }
      .down,
      .critical {
        color: var(--vigil-crit);
      }
      .warning {
        color: var(--vigil-warn);
      }
      .filters {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem 1rem;
        align-items: end;
        margin-bottom: 0.6rem;
      }
      .filters div {
        display: grid;
        gap: 0.2rem;
      }
      .filters input[type='search'] {
        min-width: 14rem;
      }
      .count {
        margin-left: auto;
        font-size: 0.85rem;
      }
      .table-panel {
        padding: 0.5rem 0.5rem 0.25rem;
      }
      h2 a {
        color: inherit;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresher = new RefreshCoalescer(() => this.refresh(), MIN_REFRESH_GAP_MS);
    const refresh = (): void => this.requestRefresh();
    this.unfollow = followLive({ samples: refresh, host: refresh, alert: refresh, open: refresh }, POLL_MS, refresh);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.requestRefresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unfollow?.();
    this.unfollow = null;
    this.refresher?.stop();
    this.refresher = null;
    this.abort?.abort();
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('hosts')) this.groups = groupsOf(this.hosts);
    if (changed.has('hosts') || changed.has('filter') || changed.has('sort') || (changed.has('sparklines') && this.sort.key === 'trend')) {
      this.rows = sortHosts(filterHosts(this.hosts, this.filter), this.sort, this.sparklines);
    }
  }

  override render() {
    return html`
      ${this.error === null ? '' : html`<p class="error" role="alert">${this.error}</p>`}
      ${this.renderSummary()}
      <section class="panel table-panel" aria-labelledby="hosts-title">
        <h2 id="hosts-title" class="visually-hidden">Hosts</h2>
        ${this.renderFilters()}
        ${this.loaded
          ? html`<host-table
              .hosts=${this.rows}
              .sparklines=${this.sparklines}
              .sort=${this.sort}
              .now=${this.now}
              .emptyText=${this.hosts.length === 0 ? 'No hosts yet. Vigil lists the hosts of your Ansible inventory here once it has read it.' : 'No host matches these filters.'}
              @sort-change=${this.onSortChange}
            ></host-table>`
          : html`<p class="muted">Loading…</p>`}
      </section>
    `;
  }

  private renderSummary() {
    const s = this.summary;
    if (s === null) return html``;
    const sev = s.alerts.bySeverity;
    return html`
      <div class="cards">
        <section class="panel" aria-labelledby="hosts-card">
          <h2 id="hosts-card">Hosts</h2>
          <dl>
            <div><dt>Total</dt><dd data-count="total">${s.hosts.total}</dd></div>
            <div><dt>Up</dt><dd class="up" data-count="up">${s.hosts.up}</dd></div>
            <div><dt>Down</dt><dd class=${s.hosts.down > 0 ? 'down' : ''} data-count="down">${s.hosts.down}</dd></div>
            <div><dt>Unknown</dt><dd data-count="unknown">${s.hosts.unknown}</dd></div>
          </dl>
        </section>
        <section class="panel" aria-labelledby="alerts-card">
          <h2 id="alerts-card"><a href="#/alerts">Firing alerts</a></h2>
          <dl>
            <div><dt>Critical</dt><dd class=${(sev['critical'] ?? 0) > 0 ? 'critical' : ''} data-count="critical">${sev['critical'] ?? 0}</dd></div>
            <div><dt>Warning</dt><dd class=${(sev['warning'] ?? 0) > 0 ? 'warning' : ''} data-count="warning">${sev['warning'] ?? 0}</dd></div>
            <div><dt>Info</dt><dd data-count="info">${sev['info'] ?? 0}</dd></div>
            <div><dt>Acknowledged</dt><dd data-count="acknowledged">${s.alerts.acknowledged}</dd></div>
          </dl>
        </section>
        <section class="panel" aria-labelledby="averages-card">
          <h2 id="averages-card">Fleet averages</h2>
          <dl>
            <div><dt>CPU</dt><dd data-average="cpu">${formatPercent(s.averages.cpuBusyPct)}</dd></div>
            <div><dt>Memory</dt><dd data-average="mem">${formatPercent(s.averages.memUsedPct)}</dd></div>
            <div><dt>Disk (fullest)</dt><dd data-average="disk">${formatPercent(s.averages.diskUsedPctMax)}</dd></div>
            <div>
              <dt>Network, per host</dt>
              <dd class="small" data-average="net">↓ ${formatBytesPerSec(s.averages.netRxBytesPerSec)}<br />↑ ${formatBytesPerSec(s.averages.netTxBytesPerSec)}</dd>
            </div>
          </dl>
          <p class="muted" title="Hosts whose newest sample is recent">over ${s.averages.hosts} ${s.averages.hosts === 1 ? 'host' : 'hosts'} reporting</p>
        </section>
      </div>
    `;
  }

  private renderFilters() {
    const f = this.filter;
    return html`
      <div class="filters" role="search" aria-label="Filter hosts">
        <div>
          <label for="text">Search</label>
          <input id="text" type="search" placeholder="name, address or group" .value=${f.text} @input=${(e: Event) => this.setFilter({ text: (e.target as HTMLInputElement).value })} />
        </div>
        <div>
          <label for="group">Group</label>
          <select id="group" @change=${(e: Event) => this.setFilter({ group: (e.target as HTMLSelectElement).value })}>
            <option value="" ?selected=${f.group === ''}>All groups</option>
            ${this.groups.map((g) => html`<option .value=${g} ?selected=${f.group === g}>${g}</option>`)}
          </select>
        </div>
        <div>
          <label for="status">Status</label>
          <select id="status" @change=${(e: Event) => this.setFilter({ status: (e.target as HTMLSelectElement).value as StatusFilter })}>
            ${(['', 'up', 'down', 'unknown', 'removed'] as const).map(
              (s) => html`<option value=${s} ?selected=${f.status === s}>${s === '' ? 'Any status' : s}</option>`,
            )}
          </select>
        </div>
        <span class="count muted" aria-live="polite">${this.rows.length === this.hosts.length ? `${this.hosts.length} hosts` : `${this.rows.length} of ${this.hosts.length} hosts`}</span>
      </div>
    `;
  }

  private setFilter(change: Partial<HostFilter>): void {
    this.filter = { ...this.filter, ...change };
  }

  private onSortChange(event: CustomEvent<SortChangeDetail>): void {
    this.sort = { key: event.detail.key, direction: event.detail.direction };
  }

  /** Asks for a refresh; bursts are coalesced to at most one a second (RefreshCoalescer). */
  requestRefresh(): void {
    this.refresher?.request();
  }

  private async refresh(): Promise<void> {
    // A hidden tab does not fetch; it catches up when shown again (visibilitychange).
    if (document.hidden && this.loaded) return;
    const abort = new AbortController();
    this.abort = abort;
    const wantSparklines = Date.now() - this.lastSparklinesAt >= SPARKLINE_REFRESH_MS;
    // Each answer is shown as it comes: the table need not wait for the summary or sparklines.
    const cursor = this.cursor;
    const hosts = fetchHosts(cursor, abort.signal).then(
      (answer) => this.takeHosts(answer),
      (err: unknown) => {
        // A cursor this server does not take (it was upgraded since): the next refresh, right
        // after this one, starts again from the whole list.
        if (cursor === null || !(err instanceof ApiError) || err.status !== 400) throw err;
        this.cursor = null;
        this.requestRefresh();
      },
    );
    const summary = fetchFleetSummary(abort.signal).then((answer) => {
      this.summary = answer;
    });
    const sparklines = wantSparklines
      ? fetchSparklines(SPARKLINE_MINUTES, SPARKLINE_POINTS, abort.signal).then((answer) => {
          // A Map, so that no host name (say "__proto__") can collide with an object's own keys.
          this.sparklines = new Map(Object.entries(answer.hosts));
          this.lastSparklinesAt = Date.now();
        })
      : null;
    try {
      await Promise.all([hosts, summary, sparklines]);
      this.error = null;
    } catch (err) {
      if (abort.signal.aborted) return;
      this.error = `Cannot load the fleet: ${errorMessage(err)}`;
    }
  }

  private takeHosts(answer: HostListAnswer): void {
    if (answer.full) this.hosts = answer.hosts;
    // Unchanged hosts stay the same objects, so the table fills again only the rows that changed.
    else if (answer.hosts.length > 0) this.hosts = mergeHosts(this.hosts, answer.hosts);
    this.cursor = answer.cursor;
    this.now = Date.now();
    this.loaded = true;
  }
}

customElements.define('vigil-fleet-overview', FleetOverview);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-fleet-overview': FleetOverview;
  }
}
