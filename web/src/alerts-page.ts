// <vigil-alerts-page>: what is firing now (severity, host, rule, value, since, who acknowledged
// it), the silences in force, and the history, page by page. Admins acknowledge (with a comment),
// silence (a dialog prefilled from the alert) and expire silences; viewers see no such buttons
// (the server refuses them anyway). Kept live by the stream's `alert` events.
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { acknowledgeAlert, errorMessage, expireSilence, fetchActiveAlerts, fetchAlertHistory, fetchSilences } from './api-client.ts';
import type { AlertHistoryItem, ApiAlert, ApiSilence } from './api-client.ts';
import { hostHref } from './app-route.ts';
import { formatAge, formatDateTime, formatUntil } from './format.ts';
import { followLive } from './live-events.ts';
import { RefreshCoalescer } from './refresh-coalescer.ts';
import type { SilenceDialog } from './silence-dialog.ts';
import { sharedStyles } from './shared-styles.ts';
import './silence-dialog.ts';

export const HISTORY_PAGE_SIZE = 25;
const MIN_REFRESH_GAP_MS = 1000;
const FALLBACK_POLL_MS = 10_000;

export class AlertsPage extends LitElement {
  static override properties = {
    isAdmin: { type: Boolean },
    alerts: { state: true },
    silences: { state: true },
    history: { state: true },
    historyHasOlder: { state: true },
    acking: { state: true },
    error: { state: true },
    loaded: { state: true },
    now: { state: true },
  };

  declare isAdmin: boolean;
  declare alerts: ApiAlert[];
  declare silences: ApiSilence[];
  declare history: AlertHistoryItem[];
  declare historyHasOlder: boolean;
  /** Key of the alert whose acknowledge form is open. */
  declare acking: string | null;
  declare error: string | null;
  declare loaded: boolean;
  declare now: number;

  /** The `before` cursor of each page shown so far: [undefined] is the newest page. */
  private historyCursors: (number | undefined)[] = [undefined];
  private unfollow: (() => void) | null = null;
  private refresher: RefreshCoalescer | null = null;

  constructor() {
    super();
    this.isAdmin = false;
    this.alerts = [];
    this.silences = [];
    this.history = [];
    this.historyHasOlder = false;
    this.acking = null;
    this.error = null;
    this.loaded = false;
    this.now = Date.now();
  }

  static override styles = [
    sharedStyles,
    css`
      .scroll {
        overflow-x: auto;
      }
      td.actions {
        white-space: nowrap;
        text-align: right;
      }
      td.actions button + button {
        margin-left: 0.35rem;
      }
      tr.ack-form td {
        background: var(--vigil-hover);
      }
      .ack-form form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      .ack-form input {
        flex: 1;
        min-width: 12rem;
      }
      .pager {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        margin-top: 0.6rem;
      }
      .comment {
        display: block;
        font-size: 0.82rem;
        color: var(--vigil-muted);
      }
      .empty {
        color: var(--vigil-muted);
        margin: 0.25rem 0;
      }
      a.host {
        font-weight: 600;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.refresher = new RefreshCoalescer(() => this.refresh(false), MIN_REFRESH_GAP_MS);
    const refresh = (): void => this.requestRefresh();
    this.unfollow = followLive({ alert: refresh, open: refresh }, FALLBACK_POLL_MS, refresh);
    void this.refresh(true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unfollow?.();
    this.unfollow = null;
    this.refresher?.stop();
    this.refresher = null;
  }

  override render() {
    return html`
      ${this.error === null ? '' : html`<p class="error" role="alert">${this.error}</p>`}
      <section class="panel" aria-labelledby="active-title">
        <h2 id="active-title">Active alerts</h2>
        ${this.loaded ? this.renderActive() : html`<p class="muted">Loading…</p>`}
      </section>
      <section class="panel" aria-labelledby="silences-title">
        <h2 id="silences-title">Silences in force</h2>
        ${this.renderSilences()}
      </section>
      <section class="panel" aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        ${this.renderHistory()}
      </section>
      <vigil-silence-dialog @silence-created=${() => void this.refresh(false)}></vigil-silence-dialog>
    `;
  }

  private renderActive() {
    if (this.alerts.length === 0) return html`<p class="empty">Nothing is firing.</p>`;
    const columns = this.isAdmin ? 7 : 6;
    return html`<div class="scroll">
      <table class="active">
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Host</th>
            <th scope="col">Rule</th>
            <th scope="col">Value</th>
            <th scope="col">Since</th>
            <th scope="col">Acknowledged by</th>
            ${this.isAdmin ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.alerts,
            (a) => a.key,
            (a) => html`
              <tr data-key=${a.key}>
                <td><span class="severity ${a.severity}">${a.severity}</span>${a.state === 'pending' ? html` <span class="muted">pending</span>` : ''}</td>
                <td class="wrap-anywhere"><a class="host" href=${hostHref(a.host)}>${a.host}</a></td>
                <td>
                  ${a.rule}<span class="comment">${a.summary}</span>
                  ${a.heldBackBy === null ? '' : html`<span class="comment held-back">Notices held back: ${a.heldBackBy}</span>`}
                  ${a.escalatedSteps === 0 ? '' : html`<span class="comment escalated">Escalated (${a.escalatedSteps === 1 ? '1 step' : `${a.escalatedSteps} steps`})</span>`}
                </td>
                <td>${formatValue(a)}</td>
                <td><time datetime=${a.startsAt ?? ''} title=${formatDateTime(a.startsAt)}>${a.startsAt ? formatAge(Date.parse(a.startsAt), this.now) : '—'}</time></td>
                <td class="acked">
                  ${a.ack === null ? html`<span class="muted">—</span>` : html`${a.ack.by}${a.ack.comment ? html`<span class="comment">${a.ack.comment}</span>` : ''}`}
                </td>
                ${this.isAdmin
                  ? html`<td class="actions">
                      ${a.ack === null && a.state === 'firing'
                        ? html`<button type="button" class="ack" aria-expanded=${this.acking === a.key ? 'true' : 'false'} @click=${() => this.openAck(a.key)}>Acknowledge</button>`
                        : ''}
                      <button type="button" class="silence" @click=${() => this.openSilence(a)}>Silence</button>
                    </td>`
                  : ''}
              </tr>
              ${this.acking === a.key ? this.renderAckForm(a, columns) : ''}
            `,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderAckForm(alert: ApiAlert, columns: number) {
    return html`<tr class="ack-form">
      <td colspan=${columns}>
        <form @submit=${(e: SubmitEvent) => this.submitAck(e, alert.key)}>
          <label for="ack-comment">Comment</label>
          <input id="ack-comment" name="comment" maxlength="2000" placeholder="what you are doing about it" />
          <button type="submit" class="primary">Acknowledge</button>
          <button type="button" @click=${() => (this.acking = null)}>Cancel</button>
        </form>
      </td>
    </tr>`;
  }

  private renderSilences() {
    if (this.silences.length === 0) return html`<p class="empty">No silences.</p>`;
    return html`<div class="scroll">
      <table class="silences">
        <thead>
          <tr>
            <th scope="col">Matches</th>
            <th scope="col">Ends</th>
            <th scope="col">By</th>
            <th scope="col">Comment</th>
            ${this.isAdmin ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.silences,
            (s) => s.id,
            (s) => html`<tr data-silence=${s.id}>
              <td class="wrap-anywhere">${describeMatchers(s)}</td>
              <td><time datetime=${s.endsAt} title=${formatDateTime(s.endsAt)}>${formatUntil(s.endsAt, this.now)}</time></td>
              <td>${s.createdBy}</td>
              <td class="wrap-anywhere">${s.comment}</td>
              ${this.isAdmin ? html`<td class="actions"><button type="button" class="expire" @click=${() => this.expire(s.id)}>Expire</button></td>` : ''}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderHistory() {
    const page = this.historyCursors.length;
    return html`
      ${this.history.length === 0
        ? html`<p class="empty">No alert history yet.</p>`
        : html`<div class="scroll">
            <table class="history">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Host</th>
                  <th scope="col">Rule</th>
                  <th scope="col">By</th>
                  <th scope="col">Comment</th>
                </tr>
              </thead>
              <tbody>
                ${repeat(
                  this.history,
                  (h) => h.id,
                  (h) => html`<tr>
                    <td><time datetime=${h.at}>${formatDateTime(h.at)}</time></td>
                    <td>${h.event}</td>
                    <td class="wrap-anywhere">${h.host === null ? '—' : html`<a href=${hostHref(h.host)}>${h.host}</a>`}</td>
                    <td>${h.rule ?? '—'}</td>
                    <td>${h.actor ?? ''}</td>
                    <td class="wrap-anywhere">${h.comment ?? ''}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`}
      <nav class="pager" aria-label="History pages">
        <button type="button" class="newer" ?disabled=${page <= 1} @click=${() => this.historyPage(-1)}>Newer</button>
        <span class="muted">Page ${page}</span>
        <button type="button" class="older" ?disabled=${!this.historyHasOlder} @click=${() => this.historyPage(1)}>Older</button>
      </nav>
    `;
  }

  private openAck(key: string): void {
    this.acking = this.acking === key ? null : key;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#ack-comment')?.focus());
  }

  private async submitAck(event: SubmitEvent, key: string): Promise<void> {
    event.preventDefault();
    const comment = String(new FormData(event.currentTarget as HTMLFormElement).get('comment') ?? '').trim();
    try {
      const acked = await acknowledgeAlert(key, comment);
      this.alerts = this.alerts.map((a) => (a.key === key ? acked : a));
      this.acking = null;
      this.error = null;
      void this.refresh(false);
    } catch (err) {
      this.error = `Cannot acknowledge: ${errorMessage(err)}`;
    }
  }

  private openSilence(alert: ApiAlert): void {
    void this.renderRoot.querySelector<SilenceDialog>('vigil-silence-dialog')?.show(alert);
  }

  private async expire(id: number): Promise<void> {
    try {
      await expireSilence(id);
      this.error = null;
      await this.refresh(false);
    } catch (err) {
      this.error = `Cannot expire the silence: ${errorMessage(err)}`;
    }
  }

  private historyPage(step: -1 | 1): void {
    if (step === 1) {
      const last = this.history.at(-1);
      if (last === undefined) return;
      this.historyCursors = [...this.historyCursors, last.id];
    } else if (this.historyCursors.length > 1) {
      this.historyCursors = this.historyCursors.slice(0, -1);
    }
    void this.loadHistory();
  }

  private requestRefresh(): void {
    this.refresher?.request();
  }

  /** Active alerts and silences always; the history only on its first page (a later page stays put while read). */
  private async refresh(first: boolean): Promise<void> {
    try {
      const [alerts, silences] = await Promise.all([fetchActiveAlerts(), fetchSilences('active')]);
      this.alerts = alerts;
      this.silences = silences;
      this.now = Date.now();
      this.loaded = true;
      if (first || this.historyCursors.length === 1) await this.loadHistory();
      this.error = null;
    } catch (err) {
      this.error = `Cannot load alerts: ${errorMessage(err)}`;
    }
  }

  private async loadHistory(): Promise<void> {
    try {
      // One more than a page, to know whether an older page exists.
      const items = await fetchAlertHistory(HISTORY_PAGE_SIZE + 1, this.historyCursors.at(-1));
      this.history = items.slice(0, HISTORY_PAGE_SIZE);
      this.historyHasOlder = items.length > HISTORY_PAGE_SIZE;
    } catch (err) {
      this.error = `Cannot load the history: ${errorMessage(err)}`;
    }
  }
}

function formatValue(alert: ApiAlert): string {
  if (alert.value === null) return '—';
  const value = Number.isInteger(alert.value) ? String(alert.value) : alert.value.toFixed(1);
  return alert.threshold === null ? value : `${value} (limit ${alert.threshold})`;
}

export function describeMatchers(silence: Pick<ApiSilence, 'host' | 'group' | 'rule'>): string {
  const parts: string[] = [];
  if (silence.host !== undefined) parts.push(`host ${silence.host}`);
  if (silence.group !== undefined) parts.push(`group ${silence.group}`);
  if (silence.rule !== undefined) parts.push(`rule ${silence.rule}`);
  return parts.join(', ');
}

customElements.define('vigil-alerts-page', AlertsPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-alerts-page': AlertsPage;
  }
}
