// <vigil-host-availability .host=${name}>: the host page's availability block. How much of the
// last 24 hours, 7 days and 30 days the host was up, and its outages and its checks' of the last
// 30 days, newest first. Refreshed when an alert of the host fires or resolves. Check ids come
// from the inventory: rendered as text.
import { LitElement, css, html } from 'lit';
import type { PropertyValues } from 'lit';
import { ApiError, errorMessage } from './api-client.ts';
import { describeBudget, fetchAvailability, fetchHostOutages, type ApiHostAvailability, type ApiOutage } from './availability-api.ts';
import { AVAILABILITY_PERIODS } from './availability-page.ts';
import { formatAvailability, formatDateTime, formatDuration } from './format.ts';
import { subscribeLive } from './live-events.ts';
import { RefreshCoalescer } from './refresh-coalescer.ts';

const DAY_MS = 86_400_000;
const OUTAGE_DAYS = 30;
const SHOWN_PERIODS = AVAILABILITY_PERIODS.filter((p) => p.id !== '90d');
const MIN_REFRESH_GAP_MS = 5000;

export class VigilHostAvailability extends LitElement {
  static override properties = {
    host: { type: String },
    figures: { state: true },
    outages: { state: true },
    error: { state: true },
  };

  declare host: string;
  /** Per period id: the host's figures, or null when the period holds nothing of it. Empty until loaded. */
  declare figures: Map<string, ApiHostAvailability | null>;
  declare outages: ApiOutage[] | null;
  declare error: string | null;

  private generation = 0;
  private abort: AbortController | null = null;
  private unsubscribe: (() => void) | null = null;
  private refresher: RefreshCoalescer | null = null;

  constructor() {
    super();
    this.host = '';
    this.figures = new Map();
    this.outages = null;
    this.error = null;
  }

  static override styles = css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    table.periods {
      margin-bottom: 0.6rem;
    }
    th {
      text-align: left;
      font-weight: 500;
      color: var(--vigil-muted);
      font-size: 0.75rem;
      padding: 0.2rem 1rem 0.2rem 0;
    }
    td {
      padding: 0.2rem 1rem 0.2rem 0;
      border-top: 1px solid var(--vigil-border);
      vertical-align: top;
      overflow-wrap: anywhere;
    }
    .scroll {
      max-height: 16rem;
      overflow-y: auto;
    }
    .ongoing,
    .low {
      color: var(--vigil-down);
      font-weight: 600;
    }
    .meta {
      color: var(--vigil-muted);
      font-size: 0.8rem;
      margin: 0.2rem 0;
    }
    .error {
      color: var(--vigil-down);
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresher = new RefreshCoalescer(() => this.load(), MIN_REFRESH_GAP_MS);
    this.unsubscribe = subscribeLive({
      alert: (alert) => {
        if (alert.host === this.host) this.refresher?.request();
      },
      open: () => this.refresher?.request(),
    });
    if (this.hasUpdated && this.host !== '') void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.refresher?.stop();
    this.refresher = null;
    this.abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('host')) {
      // Not the previous host's figures under this one's name while they load.
      this.figures = new Map();
      this.outages = null;
      this.error = null;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('host') && this.host !== '') void this.load();
  }

  override render() {
    return html`
      ${this.error === null ? '' : html`<p class="error">${this.error}</p>`}
      <table class="periods">
        <thead>
          <tr><th scope="col">Last</th><th scope="col">Availability</th><th scope="col">Down time</th><th scope="col">Outages</th><th scope="col">Longest</th></tr>
        </thead>
        <tbody>
          ${SHOWN_PERIODS.map((period) => {
            const loaded = this.figures.has(period.id);
            const f = this.figures.get(period.id) ?? null;
            return html`<tr data-period=${period.id}>
              <th scope="row">${period.label}</th>
              <td class="availability ${f !== null && f.outages > 0 ? 'low' : ''}">${loaded ? formatAvailability(f?.availabilityPct) : '…'}</td>
              <td class="down-time">${f === null || f.downSeconds === 0 ? '—' : formatDuration(f.downSeconds)}</td>
              <td class="outages">${f === null ? '—' : f.outages}</td>
              <td class="longest">${f === null || f.longestOutageSeconds === 0 ? '—' : formatDuration(f.longestOutageSeconds)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${this.renderTarget()}
      ${this.renderOutages()}
    `;
  }

  /** The host's vigil_availability_target over the last 30 days, as the Availability page judges it. */
  private renderTarget() {
    const month = this.figures.get('30d') ?? null;
    if (month === null || month.targetPct === null || month.budgetLeftSeconds === null) return '';
    return html`<p class="target ${month.targetMet === false ? 'low' : ''}" data-met=${String(month.targetMet)}>
      Target ${month.targetPct} %: ${month.targetMet === false ? 'missed' : 'met'} over the last 30 days (${describeBudget(month.budgetLeftSeconds)}).
    </p>`;
  }

  private renderOutages() {
    const outages = this.outages;
    if (outages === null) return html`<p class="meta">Loading outages…</p>`;
    if (outages.length === 0) return html`<p class="meta">No outages in the last ${OUTAGE_DAYS} days.</p>`;
    return html`<p class="meta">Outages of the last ${OUTAGE_DAYS} days, newest first (time in maintenance included).</p>
      <div class="scroll">
        <table class="outages">
          <thead>
            <tr><th scope="col">Started</th><th scope="col">Ended</th><th scope="col">Duration</th><th scope="col">What</th></tr>
          </thead>
          <tbody>
            ${outages.map(
              (o) => html`<tr data-outage data-what=${o.what}>
                <td><time datetime=${o.startedAt}>${formatDateTime(o.startedAt)}</time></td>
                <td>${o.endedAt === null ? html`<span class="ongoing">ongoing</span>` : html`<time datetime=${o.endedAt}>${formatDateTime(o.endedAt)}</time>`}</td>
                <td class="duration">${formatDuration(o.seconds)}</td>
                <td class="what">${o.what === 'host' ? 'host down' : html`check <span class="check-id">${o.check ?? ''}</span>`}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`;
  }

  private async load(): Promise<void> {
    const host = this.host;
    if (host === '') return;
    const generation = ++this.generation;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const toMs = Date.now();
    try {
      const [reports, outages] = await Promise.all([
        Promise.all(SHOWN_PERIODS.map((period) => fetchAvailability({ fromMs: toMs - period.ms, toMs, host }, abort.signal))),
        fetchHostOutages(host, toMs - OUTAGE_DAYS * DAY_MS, toMs, abort.signal).then(
          (answer) => answer.outages,
          // Not in the hosts table (yet): no outages to list; the page says why the host is missing.
          (err: unknown) => {
            if (err instanceof ApiError && err.status === 404) return [];
            throw err;
          },
        ),
      ]);
      if (generation !== this.generation) return;
      this.figures = new Map(SHOWN_PERIODS.map((period, i) => [period.id, reports[i]?.hosts.find((h) => h.host === host) ?? null]));
      this.outages = outages;
      this.error = null;
    } catch (err) {
      if (generation === this.generation && !abort.signal.aborted) this.error = `cannot load availability: ${errorMessage(err)}`;
    } finally {
      if (generation === this.generation) this.abort = null;
    }
  }
}

customElements.define('vigil-host-availability', VigilHostAvailability);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-host-availability': VigilHostAvailability;
  }
}
