// <vigil-app>: the dashboard's root. Keeps the host list fresh and shows the charts of the chosen host.
import { LitElement, css, html } from 'lit';
import { fetchHosts } from './api-client.ts';
import type { HostOverview } from './api-client.ts';
import type { HostSelectDetail } from './host-table.ts';
import './host-chart.ts';
import './host-table.ts';
import './inventory-status.ts';

const HASH_PREFIX = '#host=';

export class VigilApp extends LitElement {
  static override properties = {
    refreshMs: { attribute: false },
    hosts: { state: true },
    selected: { state: true },
    now: { state: true },
    error: { state: true },
    loaded: { state: true },
  };

  declare refreshMs: number;
  declare hosts: HostOverview[];
  declare selected: string | null;
  declare now: number;
  declare error: string | null;
  declare loaded: boolean;

  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly onHashChange = (): void => {
    this.selected = hostFromHash(location.hash);
  };

  constructor() {
    super();
    this.refreshMs = 2000;
    this.hosts = [];
    this.selected = hostFromHash(location.hash);
    this.now = Date.now();
    this.error = null;
    this.loaded = false;
  }

  static override styles = css`
    :host {
      display: block;
      max-width: 1400px;
      margin: 0 auto;
      padding: 1rem 1.25rem 2rem;
    }
    header {
      display: flex;
      align-items: baseline;
      gap: 1rem;
      flex-wrap: wrap;
      margin-bottom: 1rem;
    }
    h1 {
      margin: 0;
      font-size: 1.4rem;
      letter-spacing: 0.02em;
    }
    .summary {
      color: var(--vigil-muted);
      font-size: 0.9rem;
    }
    .down {
      color: var(--vigil-down);
      font-weight: 600;
    }
    .error {
      color: var(--vigil-down);
      font-size: 0.9rem;
    }
    section {
      background: var(--vigil-panel);
      border: 1px solid var(--vigil-border);
      border-radius: 6px;
      padding: 0.75rem;
      margin-bottom: 1rem;
    }
    .hint {
      color: var(--vigil-muted);
      margin: 0;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  override render() {
    const down = this.hosts.filter((h) => h.status === 'down' && !h.removed).length;
    const active = this.hosts.filter((h) => !h.removed).length;
    return html`
      <header>
        <h1>Vigil</h1>
        <span class="summary">
          ${active} ${active === 1 ? 'host' : 'hosts'}${down > 0 ? html`, <span class="down">${down} down</span>` : ''}
        </span>
        ${this.error === null ? '' : html`<span class="error" role="alert">${this.error}</span>`}
      </header>
      <inventory-status .refreshMs=${this.refreshMs}></inventory-status>
      <section>
        ${this.loaded
          ? html`<host-table .hosts=${this.hosts} .selected=${this.selected} .now=${this.now} @host-select=${this.onHostSelect}></host-table>`
          : html`<p class="hint">Loading…</p>`}
      </section>
      ${this.selected === null
        ? html`<p class="hint">Choose a host to see its charts.</p>`
        : html`<section><host-chart .host=${this.selected} .refreshMs=${this.refreshMs}></host-chart></section>`}
    `;
  }

  private onHostSelect(event: CustomEvent<HostSelectDetail>): void {
    this.selected = event.detail.name;
    // In the URL, so that a reload or a shared link opens the same host.
    history.replaceState(null, '', `${HASH_PREFIX}${encodeURIComponent(event.detail.name)}`);
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    try {
      // A hidden tab keeps its last view; it catches up on the first tick after it is shown again.
      if (!document.hidden || !this.loaded) {
        this.hosts = await fetchHosts();
        // A fleet of one (the first `vigil up`) opens its charts without a click.
        if (this.selected === null && this.hosts.length === 1) this.selected = this.hosts[0]?.name ?? null;
        this.now = Date.now();
        this.error = null;
        this.loaded = true;
      }
    } catch (err) {
      this.error = `cannot load hosts: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      if (this.isConnected) this.timer = setTimeout(() => void this.refresh(), this.refreshMs);
    }
  }
}

function hostFromHash(hash: string): string | null {
  if (!hash.startsWith(HASH_PREFIX)) return null;
  try {
    const name = decodeURIComponent(hash.slice(HASH_PREFIX.length));
    return name === '' ? null : name;
  } catch {
    return null;
  }
}

customElements.define('vigil-app', VigilApp);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-app': VigilApp;
  }
}
