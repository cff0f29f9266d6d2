// <vigil-incidents-page>: the public status page's incidents, as operators see them: the open ones,
// then the resolved ones, newest first, each with its impact, its status and its timeline of
// updates (who posted each). Admins open one, post updates (resolved closes it, any other status
// reopens it; the impact may change) and delete one posted by mistake; viewers see no such forms
// (the server refuses them anyway). The lists are read again every 15 s while shown. Titles and
// messages are what operators typed: rendered as text, never as markup; a message keeps its line breaks.
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { errorMessage } from './api-client.ts';
import { formatDateTime } from './format.ts';
import {
  INCIDENT_IMPACTS, INCIDENT_LIST_MAX, INCIDENT_STATUSES, deleteIncident, fetchIncidents, openIncident, postIncidentUpdate,
  type ApiIncident, type IncidentImpact, type IncidentStatus,
} from './incidents-api.ts';
import { sharedStyles } from './shared-styles.ts';

/** How many of the newest incidents the Resolved section draws from; every open one is listed. */
export const RESOLVED_SHOWN = 100;

/** A form's text field, as typed (the server trims and checks it). */
const field = (form: HTMLFormElement, name: string): string => String(new FormData(form).get(name) ?? '');

export class IncidentsPage extends LitElement {
  static override properties = {
    isAdmin: { type: Boolean },
    open: { state: true },
    resolved: { state: true },
    resolvedCut: { state: true },
    loaded: { state: true },
    error: { state: true },
    openError: { state: true },
    updateErrors: { state: true },
    busy: { state: true },
  };

  declare isAdmin: boolean;
  declare open: ApiIncident[];
  declare resolved: ApiIncident[];
  /** The newest RESOLVED_SHOWN incidents did not reach back to the oldest one kept. */
  declare resolvedCut: boolean;
  declare loaded: boolean;
  /** Loading or deleting failed. */
  declare error: string | null;
  /** The open form's refusal. */
  declare openError: string | null;
  /** Each update form's refusal, by incident id. */
  declare updateErrors: ReadonlyMap<number, string>;
  /** The write under way: 'open', or 'update:ID' / 'delete:ID'. */
  declare busy: string | null;

  /**
   * How often the lists are read again while the page is shown in a visible tab, so that what
   * another operator (or `vigil incident`) posts shows up without a reload; tests shorten it.
   */
  static refreshMs = 15_000;

  /** Bumped per load: an answer older than the latest asked for is dropped. */
  private generation = 0;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;

  constructor() {
    super();
    this.isAdmin = false;
    this.open = [];
    this.resolved = [];
    this.resolvedCut = false;
    this.loaded = false;
    this.error = null;
    this.openError = null;
    this.updateErrors = new Map();
    this.busy = null;
  }

  static override styles = [
    sharedStyles,
    css`
      .hint {
        margin: 0 0 1rem;
        font-size: 0.9rem;
      }
      form.open {
        display: grid;
        grid-template-columns: minmax(12rem, 1fr) auto auto;
        gap: 0.6rem 0.8rem;
        align-items: end;
      }
      .field {
        display: grid;
        gap: 0.2rem;
      }
      .field.wide,
      form.open .error,
      form.open .actions {
        grid-column: 1 / -1;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        min-height: 4.5rem;
        resize: vertical;
      }
      form .error {
        margin: 0;
        min-height: 1.2em;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
        align-items: center;
      }
      .incidents {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.8rem;
      }
      article.incident {
        border: 1px solid var(--vigil-border);
        border-left: 4px solid var(--vigil-warn);
        border-radius: 6px;
        padding: 0.6rem 0.8rem;
      }
      article.impact-major,
      article.impact-critical {
        border-left-color: var(--vigil-crit);
      }
      article.impact-maintenance {
        border-left-color: var(--vigil-accent);
      }
      article.resolved {
        border-left-color: var(--vigil-up);
      }
      article h3 {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: 0.3rem 0.6rem;
        margin-bottom: 0.25rem;
      }
      .pill {
        display: inline-block;
        padding: 0.05rem 0.45rem;
        border-radius: 999px;
        border: 1px solid currentColor;
        font-size: 0.78rem;
        font-weight: 600;
        white-space: nowrap;
      }
      .pill.impact-minor {
        color: var(--vigil-warn);
      }
      .pill.impact-major,
      .pill.impact-critical {
        color: var(--vigil-crit);
      }
      .pill.impact-maintenance {
        color: var(--vigil-accent);
      }
      .pill.status {
        color: var(--vigil-muted);
      }
      .pill.status-resolved {
        color: var(--vigil-up);
      }
      .times {
        margin: 0 0 0.5rem;
        font-size: 0.85rem;
      }
      ol.timeline {
        list-style: none;
        margin: 0;
        padding: 0 0 0 0.8rem;
        border-left: 2px solid var(--vigil-border);
        display: grid;
        gap: 0.5rem;
      }
      .update-head {
        font-size: 0.85rem;
      }
      .update-status {
        font-weight: 600;
      }
      .message {
        margin: 0.15rem 0 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        align-items: flex-start;
        gap: 0.5rem 1rem;
        margin-top: 0.6rem;
      }
      details.post-update {
        flex: 1;
        min-width: 16rem;
      }
      details.post-update summary {
        cursor: pointer;
        font-size: 0.9rem;
        color: var(--vigil-accent);
      }
      form.update {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 0.8rem;
        align-items: end;
        margin-top: 0.5rem;
      }
      form.update .field.wide,
      form.update .error,
      form.update .actions {
        flex-basis: 100%;
      }
      .empty {
        color: var(--vigil-muted);
        margin: 0.25rem 0;
      }
      @media (max-width: 760px) {
        form.open {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    // Forms are read only when sent, and the lists are keyed by incident: a refresh keeps what is being typed.
    this.refreshTimer = setInterval(() => {
      if (!document.hidden) void this.load();
    }, IncidentsPage.refreshMs);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.refreshTimer !== null) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
  }

  override render() {
    return html`
      ${this.error === null ? '' : html`<p class="error page-error" role="alert">${this.error}</p>`}
      <p class="hint muted">
        Incidents appear on the public status page (<a href="status" target="_blank" rel="noopener">/status</a>) when VIGIL_STATUS_PAGE is set.
      </p>
      ${this.isAdmin ? this.renderOpenForm() : ''}
      <section class="panel" aria-labelledby="open-title">
        <h2 id="open-title">Open</h2>
        ${this.loaded ? this.renderList(this.open, 'No open incidents.') : html`<p class="muted">Loading…</p>`}
      </section>
      <section class="panel" aria-labelledby="resolved-title">
        <h2 id="resolved-title">Resolved</h2>
        ${this.loaded ? this.renderList(this.resolved, 'No resolved incidents.') : ''}
        ${this.resolvedCut ? html`<p class="muted">Those among the newest ${RESOLVED_SHOWN} incidents; older ones are not shown.</p>` : ''}
      </section>
    `;
  }

  private renderOpenForm() {
    return html`<section class="panel" aria-labelledby="new-title">
      <h2 id="new-title">Open an incident</h2>
      <form class="open" novalidate aria-labelledby="new-title" @submit=${this.submitOpen}>
        <div class="field"><label for="incident-title">Title</label><input id="incident-title" name="title" required autocomplete="off" /></div>
        <div class="field">
          <label for="incident-impact">Impact</label>
          <select id="incident-impact" name="impact">${INCIDENT_IMPACTS.map((v) => html`<option value=${v} ?selected=${v === 'minor'}>${v}</option>`)}</select>
        </div>
        <div class="field">
          <label for="incident-status">Status</label>
          <select id="incident-status" name="status">${INCIDENT_STATUSES.map((v) => html`<option value=${v} ?selected=${v === 'investigating'}>${v}</option>`)}</select>
        </div>
        <div class="field wide">
          <label for="incident-groups">Affected groups (inventory groups, comma-separated; optional)</label>
          <input id="incident-groups" name="groups" autocomplete="off" placeholder="shop, api" />
        </div>
        <div class="field wide">
          <label for="incident-message">Message</label>
          <textarea id="incident-message" name="message" required placeholder="What visitors are told: what is affected, what is being done"></textarea>
        </div>
        <p class="error" role="alert">${this.openError ?? ''}</p>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this.busy === 'open'}>${this.busy === 'open' ? 'Opening…' : 'Open incident'}</button></div>
      </form>
    </section>`;
  }

  private renderList(incidents: ApiIncident[], empty: string) {
    if (incidents.length === 0) return html`<p class="empty">${empty}</p>`;
    return html`<ul class="incidents">
      ${repeat(incidents, (i) => i.id, (i) => html`<li>${this.renderIncident(i)}</li>`)}
    </ul>`;
  }

  private renderIncident(i: ApiIncident) {
    const titleId = `incident-${i.id}-title`;
    return html`<article class="incident impact-${i.impact} ${i.resolvedAt === null ? '' : 'resolved'}" data-incident=${i.id} aria-labelledby=${titleId}>
      <h3>
        <span class="title wrap-anywhere" id=${titleId}>${i.title}</span>
        <span class="pill impact impact-${i.impact}" title="Impact">${i.impact}</span>
        <span class="pill status status-${i.status}" title="Status">${i.status}</span>
      </h3>
      ${i.groups.length === 0 ? '' : html`<p class="affects muted">Affects: <span class="groups">${i.groups.join(', ')}</span></p>`}
      <p class="times muted">
        opened <time datetime=${i.createdAt}>${formatDateTime(i.createdAt)}</time> · updated <time datetime=${i.updatedAt}>${formatDateTime(i.updatedAt)}</time>${i.resolvedAt === null
          ? ''
          : html` · resolved <time datetime=${i.resolvedAt}>${formatDateTime(i.resolvedAt)}</time>`}
      </p>
      <ol class="timeline" aria-label="Updates, newest first">
        ${i.updates.map(
          (u) => html`<li class="update">
            <div class="update-head">
              <span class="update-status">${u.status}</span> · <time datetime=${u.at}>${formatDateTime(u.at)}</time> · <span class="by">${u.by}</span>
            </div>
            <p class="message">${u.message}</p>
          </li>`,
        )}
      </ol>
      ${this.isAdmin ? this.renderTools(i) : ''}
    </article>`;
  }

  private renderTools(i: ApiIncident) {
    const id = (name: string): string => `incident-${i.id}-${name}`;
    const posting = this.busy === `update:${i.id}`;
    return html`<div class="tools">
      <details class="post-update">
        <summary>Post an update</summary>
        <form class="update" novalidate aria-label="Post an update" @submit=${(e: SubmitEvent) => this.submitUpdate(e, i.id)}>
          <div class="field">
            <label for=${id('status')}>Status</label>
            <select id=${id('status')} name="status">${INCIDENT_STATUSES.map((v) => html`<option value=${v} ?selected=${v === i.status}>${v}</option>`)}</select>
          </div>
          <div class="field">
            <label for=${id('impact')}>Impact</label>
            <select id=${id('impact')} name="impact">
              <option value="" selected>unchanged (${i.impact})</option>
              ${INCIDENT_IMPACTS.map((v) => html`<option value=${v}>${v}</option>`)}
            </select>
          </div>
          <div class="field wide">
            <label for=${id('message')}>Message</label>
            <textarea id=${id('message')} name="message" required></textarea>
          </div>
          <p class="error" role="alert">${this.updateErrors.get(i.id) ?? ''}</p>
          <div class="actions"><button type="submit" class="primary" ?disabled=${posting}>${posting ? 'Posting…' : 'Post update'}</button></div>
        </form>
      </details>
      <button type="button" class="danger delete" ?disabled=${this.busy === `delete:${i.id}`} @click=${() => this.deleteOne(i)}>Delete</button>
    </div>`;
  }

  private async submitOpen(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    this.busy = 'open';
    try {
      await openIncident({
        title: field(form, 'title'),
        impact: field(form, 'impact') as IncidentImpact,
        status: field(form, 'status') as IncidentStatus,
        message: field(form, 'message'),
        groups: [...new Set(field(form, 'groups').split(',').map((g) => g.trim()).filter((g) => g !== ''))],
      });
      form.reset();
      this.openError = null;
      await this.load();
    } catch (err) {
      this.openError = errorMessage(err);
    } finally {
      this.busy = null;
    }
  }

  private async submitUpdate(event: SubmitEvent, id: number): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const impact = field(form, 'impact');
    this.busy = `update:${id}`;
    try {
      await postIncidentUpdate(id, {
        status: field(form, 'status') as IncidentStatus,
        message: field(form, 'message'),
        ...(impact === '' ? {} : { impact: impact as IncidentImpact }),
      });
      form.reset();
      form.closest('details')?.removeAttribute('open');
      this.setUpdateError(id, null);
      await this.load();
    } catch (err) {
      this.setUpdateError(id, errorMessage(err));
    } finally {
      this.busy = null;
    }
  }

  private async deleteOne(incident: ApiIncident): Promise<void> {
    const updates = incident.updates.length === 1 ? '1 update' : `${incident.updates.length} updates`;
    if (!confirm(`Delete the incident "${incident.title}" and its ${updates}? It leaves the status page too.`)) return;
    this.busy = `delete:${incident.id}`;
    try {
      await deleteIncident(incident.id);
      this.error = null;
      await this.load();
    } catch (err) {
      this.error = `Cannot delete the incident: ${errorMessage(err)}`;
    } finally {
      this.busy = null;
    }
  }

  private setUpdateError(id: number, message: string | null): void {
    if ((this.updateErrors.get(id) ?? null) === message) return;
    const errors = new Map(this.updateErrors);
    if (message === null) errors.delete(id);
    else errors.set(id, message);
    this.updateErrors = errors;
  }

  /**
   * Every open incident (however old), and the resolved ones among the newest RESOLVED_SHOWN:
   * a long maintenance opened before a hundred others still shows.
   */
  private async load(): Promise<void> {
    const generation = ++this.generation;
    try {
      const [open, newest] = await Promise.all([fetchIncidents('open', INCIDENT_LIST_MAX), fetchIncidents('all', RESOLVED_SHOWN)]);
      if (generation !== this.generation) return;
      this.open = open;
      this.resolved = newest.filter((i) => i.resolvedAt !== null);
      this.resolvedCut = newest.length === RESOLVED_SHOWN;
      this.loaded = true;
      this.error = null;
    } catch (err) {
      if (generation === this.generation) this.error = `Cannot load incidents: ${errorMessage(err)}`;
    }
  }
}

customElements.define('vigil-incidents-page', IncidentsPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-incidents-page': IncidentsPage;
  }
}
