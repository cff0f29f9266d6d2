// <vigil-availability-page>: how much of a period (the last 24 hours to 90 days) each host was up,
// as Uptime Kuma's and Zabbix's SLA reports show it: lowest availability first, with down time,
// outages, the longest one, time in maintenance and behind a down SSH bastion (neither counted),
// who is down now, and under a host its service checks that failed. Optionally one inventory group; the table downloads as CSV.
// Host names, groups and check ids come from the inventory: rendered as text, never as markup.
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { errorMessage } from './api-client.ts';
import { describeBudget, fetchAvailability, toPercent, type ApiAvailabilityFigures, type ApiAvailabilityReport, type ApiHostAvailability } from './availability-api.ts';
import { availabilityHref, availabilityViewOf, hostHref } from './app-route.ts';
import { csvFileName, csvTextCell, downloadText } from './csv-export.ts';
import { formatAvailability, formatDateTime, formatDuration } from './format.ts';
import { followLive } from './live-events.ts';
import { RefreshCoalescer } from './refresh-coalescer.ts';
import { sharedStyles } from './shared-styles.ts';
import { RANGE_PRESETS } from './time-range.ts';
import type { RangePreset } from './time-range.ts';

/** The periods offered: the host page's presets from a day up. */
export const AVAILABILITY_PERIODS: readonly RangePreset[] = RANGE_PRESETS.filter((preset) => ['24h', '7d', '30d', '90d'].includes(preset.id));
const DEFAULT_PERIOD_ID = '30d';

const MIN_REFRESH_GAP_MS = 5000;
const FALLBACK_POLL_MS = 60_000;

export interface FleetAvailability {
  hosts: number;
  withOutages: number;
  withCheckOutages: number;
  downNow: number;
  /** Hosts with a vigil_availability_target they did not keep in the period. */
  belowTarget: number;
  /** Time-weighted over the hosts, so that a host that existed a day weighs a day; null when nothing was counted. */
  availabilityPct: number | null;
}

export function fleetAvailability(hosts: readonly ApiHostAvailability[]): FleetAvailability {
  let down = 0;
  let counted = 0;
  for (const host of hosts) {
    down += host.downSeconds;
    counted += host.countedSeconds;
  }
  return {
    hosts: hosts.length,
    withOutages: hosts.filter((h) => h.outages > 0).length,
    withCheckOutages: hosts.filter((h) => h.checks.some((c) => c.outages > 0)).length,
    downNow: hosts.filter((h) => h.down).length,
    belowTarget: hosts.filter((h) => h.targetMet === false).length,
    // Rounded as the API rounds each host's figure.
    availabilityPct: toPercent(counted > 0 ? 1 - down / counted : null),
  };
}

export class VigilAvailabilityPage extends LitElement {
  static override properties = {
    periodId: { state: true },
    group: { state: true },
    report: { state: true },
    groups: { state: true },
    loading: { state: true },
    error: { state: true },
  };

  declare periodId: string;
  /** '' for every group. */
  declare group: string;
  declare report: ApiAvailabilityReport | null;
  /** Every group seen in an answer: a filtered answer holds only its own group's hosts, and the choice must stay offered. */
  declare groups: string[];
  declare loading: boolean;
  declare error: string | null;

  /** Bumped per request: an answer for an earlier period or group is dropped. */
  private generation = 0;
  private abort: AbortController | null = null;
  private unfollow: (() => void) | null = null;
  private refresher: RefreshCoalescer | null = null;

  constructor() {
    super();
    this.periodId = DEFAULT_PERIOD_ID;
    this.group = '';
    this.report = null;
    this.groups = [];
    this.loading = false;
    this.error = null;
  }

  static override styles = [
    sharedStyles,
    css`
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        margin-bottom: 0.6rem;
      }
      .periods {
        display: flex;
        gap: 0.25rem;
      }
      .periods button[aria-pressed='true'] {
        background: var(--vigil-accent);
        border-color: var(--vigil-accent);
        color: var(--vigil-accent-fg);
      }
      .toolbar .csv {
        margin-left: auto;
      }
      .summary {
        margin: 0 0 0.6rem;
      }
      .summary strong {
        font-variant-numeric: tabular-nums;
      }
      .scroll {
        overflow-x: auto;
      }
      td.num,
      th.num {
        text-align: right;
        white-space: nowrap;
      }
      a.host {
        font-weight: 600;
      }
      .tag {
        display: inline-block;
        margin-left: 0.4rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        border: 1px solid currentColor;
        font-size: 0.75rem;
        font-weight: 600;
        white-space: nowrap;
      }
      .tag.down-now {
        color: var(--vigil-down);
      }
      .tag.removed {
        color: var(--vigil-muted);
      }
      tr.check td {
        font-size: 0.85rem;
        border-bottom-style: dashed;
      }
      tr.check td:first-child {
        padding-left: 1.5rem;
      }
      .low {
        color: var(--vigil-down);
        font-weight: 600;
      }
      table[aria-busy='true'] {
        opacity: 0.6;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.readHash();
    window.addEventListener('hashchange', this.onHashChange);
    this.refresher = new RefreshCoalescer(() => this.load(), MIN_REFRESH_GAP_MS);
    // An outage starting or ending changes the figures; between events, "down now" ones grow.
    const refresh = (): void => this.refresher?.request();
    this.unfollow = followLive({ alert: refresh, open: refresh }, FALLBACK_POLL_MS, refresh);
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.unfollow?.();
    this.unfollow = null;
    this.refresher?.stop();
    this.refresher = null;
    this.abort?.abort();
  }

  override render() {
    return html`
      ${this.error === null ? '' : html`<p class="error" role="alert">${this.error}</p>`}
      <section class="panel" aria-labelledby="availability-title">
        <h2 id="availability-title">Availability</h2>
        <div class="toolbar">
          <div class="periods" role="group" aria-label="Period">
            ${AVAILABILITY_PERIODS.map(
              (period) => html`<button type="button" data-period=${period.id} aria-pressed=${period.id === this.periodId ? 'true' : 'false'} @click=${() => this.choosePeriod(period.id)}>
                ${period.label}
              </button>`,
            )}
          </div>
          <label>
            Group
            <select name="group" .value=${this.group} @change=${this.onGroupChange}>
              <option value="" ?selected=${this.group === ''}>All groups</option>
              ${this.groups.map((group) => html`<option .value=${group} ?selected=${group === this.group}>${group}</option>`)}
            </select>
          </label>
          <button type="button" class="csv" ?disabled=${this.report === null || this.report.hosts.length === 0} @click=${this.onDownloadCsv}>Download CSV</button>
        </div>
        ${this.report === null ? html`<p class="muted">${this.loading ? 'Loading…' : ''}</p>` : this.renderReport(this.report)}
      </section>
    `;
  }

  private renderReport(report: ApiAvailabilityReport) {
    const fleet = fleetAvailability(report.hosts);
    return html`
      <p class="summary" data-summary>
        <strong data-stat="hosts">${fleet.hosts}</strong> ${fleet.hosts === 1 ? 'host' : 'hosts'} ·
        <strong data-stat="with-outages">${fleet.withOutages}</strong> with outages ·
        <strong data-stat="with-check-outages">${fleet.withCheckOutages}</strong> with failed checks ·
        availability <strong data-stat="availability">${formatAvailability(fleet.availabilityPct)}</strong> ·
        <strong data-stat="down-now" class=${fleet.downNow > 0 ? 'low' : ''}>${fleet.downNow}</strong> down now ·
        <strong data-stat="below-target" class=${fleet.belowTarget > 0 ? 'low' : ''}>${fleet.belowTarget}</strong> below target
        <br /><span class="muted">${formatDateTime(report.from)} – ${formatDateTime(report.to)}; time in maintenance, and behind a down SSH bastion, is not counted.${this.loading ? ' Loading…' : ''}</span>
      </p>
      ${report.hosts.length === 0
        ? html`<p class="muted">No hosts in this period${this.group === '' ? '' : ' and group'}.</p>`
        : html`<div class="scroll">
            <table class="availability" aria-busy=${this.loading ? 'true' : 'false'} data-from=${report.from} data-to=${report.to}>
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  <th scope="col">Groups</th>
                  <th scope="col" class="num">Availability</th>
                  <th scope="col" class="num">Down time</th>
                  <th scope="col" class="num">Outages</th>
                  <th scope="col" class="num">Longest outage</th>
                  <th scope="col" class="num">In maintenance</th>
                  <th scope="col" class="num" title="Behind a down SSH bastion: its state could not be known, so not counted">Not watched</th>
                  <th scope="col" class="num" title="vigil_availability_target, and the down time it still allows in the period">Target</th>
                </tr>
              </thead>
              ${repeat(
                report.hosts,
                (h) => h.host,
                (h) => html`<tbody data-host=${h.host}>
                  <tr class="host">
                    <td class="wrap-anywhere">
                      <a class="host" href=${hostHref(h.host)}>${h.host}</a>${h.down ? html`<span class="tag down-now">down now</span>` : ''}${h.removed
                        ? html`<span class="tag removed" title="No longer in the inventory: counted until it left">removed</span>`
                        : ''}
                    </td>
                    <td class="wrap-anywhere muted">${h.groups.join(', ')}</td>
                    ${this.renderFigures(h)}
                    ${this.renderTarget(h)}
                  </tr>
                  ${h.checks.map(
                    (c) => html`<tr class="check" data-check=${c.id}>
                      <td class="wrap-anywhere" colspan="2">check <span class="check-id">${c.id}</span>${c.down ? html`<span class="tag down-now">failing now</span>` : ''}</td>
                      ${this.renderFigures(c)}
                      <td></td>
                    </tr>`,
                  )}
                </tbody>`,
              )}
            </table>
          </div>`}
    `;
  }

  /** "99.9 % · 40 min left", or "… · 20 min over" once missed: an SLO's error budget. */
  private renderTarget(h: ApiHostAvailability) {
    if (h.targetPct === null || h.budgetLeftSeconds === null) return html`<td class="num target">—</td>`;
    return html`<td class="num target ${h.targetMet === false ? 'low' : ''}" data-met=${String(h.targetMet)}>${h.targetPct} % · ${describeBudget(h.budgetLeftSeconds)}</td>`;
  }

  private renderFigures(f: ApiAvailabilityFigures) {
    return html`<td class="num availability ${f.outages > 0 ? 'low' : ''}">${formatAvailability(f.availabilityPct)}</td>
      <td class="num down-time">${f.downSeconds > 0 ? formatDuration(f.downSeconds) : '—'}</td>
      <td class="num outages">${f.outages}</td>
      <td class="num longest">${f.longestOutageSeconds > 0 ? formatDuration(f.longestOutageSeconds) : '—'}</td>
      <td class="num maintenance">${f.maintenanceSeconds > 0 ? formatDuration(f.maintenanceSeconds) : '—'}</td>
      <td class="num unmonitored">${f.unmonitoredSeconds > 0 ? formatDuration(f.unmonitoredSeconds) : '—'}</td>`;
  }

  private choosePeriod(id: string): void {
    if (id === this.periodId) return;
    this.periodId = id;
    this.showInHash();
    void this.load();
  }

  private onGroupChange(event: Event): void {
    this.group = (event.currentTarget as HTMLSelectElement).value;
    this.showInHash();
    void this.load();
  }

  /** A link's period and group (#/availability?period=7d&group=web) are what it opens on; what it leaves out, the defaults. */
  private readHash(): boolean {
    const view = availabilityViewOf(location.hash);
    const period = view.period !== null && AVAILABILITY_PERIODS.some((p) => p.id === view.period) ? view.period : DEFAULT_PERIOD_ID;
    const group = view.group ?? '';
    if (group !== '' && !this.groups.includes(group)) this.groups = [...this.groups, group].sort((a, b) => a.localeCompare(b));
    const changed = period !== this.periodId || group !== this.group;
    this.periodId = period;
    this.group = group;
    return changed;
  }

  /** Another link to this page while it is shown (the nav's, or one pasted): what it asks for is loaded. */
  private readonly onHashChange = (): void => {
    if (location.hash.startsWith('#/availability') && this.readHash()) void this.load();
  };

  /** The hash says what is shown, so that a copied link opens the same; replaced, not pushed: no history entry per click. */
  private showInHash(): void {
    history.replaceState(history.state, '', availabilityHref({ period: this.periodId, group: this.group }, DEFAULT_PERIOD_ID));
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const period = AVAILABILITY_PERIODS.find((p) => p.id === this.periodId) ?? AVAILABILITY_PERIODS[0];
    if (period === undefined) return;
    const toMs = Date.now();
    this.loading = true;
    try {
      const report = await fetchAvailability({ fromMs: toMs - period.ms, toMs, ...(this.group === '' ? {} : { group: this.group }) }, abort.signal);
      if (generation !== this.generation) return;
      this.report = report;
      const seen = new Set(this.groups);
      for (const host of report.hosts) for (const group of host.groups) seen.add(group);
      if (seen.size !== this.groups.length) this.groups = [...seen].sort((a, b) => a.localeCompare(b));
      this.error = null;
    } catch (err) {
      if (generation === this.generation && !abort.signal.aborted) this.error = `Cannot load availability: ${errorMessage(err)}`;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.abort = null;
      }
    }
  }

  private onDownloadCsv(): void {
    const report = this.report;
    if (report === null) return;
    const name = this.group === '' ? 'availability' : `availability-${this.group}`;
    downloadText(csvFileName(name, Date.parse(report.from), Date.parse(report.to)), availabilityCsv(report));
  }
}

const CSV_COLUMNS = [
  'host', 'check', 'groups', 'removed', 'availability_pct', 'down_seconds', 'outages', 'longest_outage_seconds',
  'maintenance_seconds', 'counted_seconds', 'down_now', 'target_pct', 'target_met', 'budget_left_seconds',
  // Last, after the columns the CSV had before it, so that readers by position keep working.
  'unmonitored_seconds',
];

/** One line per host and one per check under it (the check column set), as the table shows them. */
export function availabilityCsv(report: ApiAvailabilityReport): string {
  const figures = (f: ApiAvailabilityFigures): string[] => [
    f.availabilityPct === null ? '' : String(f.availabilityPct), String(f.downSeconds), String(f.outages), String(f.longestOutageSeconds),
    String(f.maintenanceSeconds), String(f.countedSeconds), String(f.down),
  ];
  const lines = [CSV_COLUMNS.join(',')];
  for (const host of report.hosts) {
    const own = [csvTextCell(host.host), '', csvTextCell(host.groups.join(' ')), String(host.removed)];
    const target = [host.targetPct, host.targetMet, host.budgetLeftSeconds].map((value) => (value === null ? '' : String(value)));
    lines.push([...own, ...figures(host), ...target, String(host.unmonitoredSeconds)].join(','));
    for (const check of host.checks) lines.push([csvTextCell(host.host), csvTextCell(check.id), ...own.slice(2), ...figures(check), '', '', '', String(check.unmonitoredSeconds)].join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

customElements.define('vigil-availability-page', VigilAvailabilityPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-availability-page': VigilAvailabilityPage;
  }
}
