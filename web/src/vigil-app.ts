// <vigil-app>: the dashboard's shell. Asks who is logged in; without a session it shows the login
// form, with one the header (navigation, user menu, live indicator, theme) and the page the hash
// names (app-route.ts). A 401 from any call (`vigil-unauthorized`) brings the login form back.
// Logging out (or being logged out) closes the live stream first, so that it cannot reconnect.
import { LitElement, css, html } from 'lit';
import { ApiError, fetchSession, logOut, setCsrfToken } from './api-client.ts';
import type { Session } from './api-client.ts';
import { parseRoute } from './app-route.ts';
import type { AppRoute } from './app-route.ts';
import { closeLive, liveConnection, onLiveConnection } from './live-events.ts';
import type { LiveConnection } from './live-events.ts';
import { sharedStyles } from './shared-styles.ts';
import { applyStoredTheme } from './theme-toggle.ts';
import './admin-page.ts';
import './alerts-page.ts';
import './availability-page.ts';
import './fleet-overview.ts';
import './host-page.ts';
import './incidents-page.ts';
import './inventory-page.ts';
import './inventory-status.ts';
import './login-form.ts';
import './password-form.ts';
import './theme-toggle.ts';
import './toast-stack.ts';

type SessionState = { kind: 'checking' } | { kind: 'anonymous' } | { kind: 'failed'; message: string } | { kind: 'ready'; session: Session };

const NAV: { page: AppRoute['page']; href: string; label: string; adminOnly: boolean }[] = [
  { page: 'overview', href: '#/', label: 'Overview', adminOnly: false },
  { page: 'alerts', href: '#/alerts', label: 'Alerts', adminOnly: false },
  { page: 'availability', href: '#/availability', label: 'Availability', adminOnly: false },
  { page: 'incidents', href: '#/incidents', label: 'Incidents', adminOnly: false },
  { page: 'inventory', href: '#/inventory', label: 'Inventory', adminOnly: false },
  { page: 'admin', href: '#/admin', label: 'Admin', adminOnly: true },
];

const LIVE_TEXT: Record<LiveConnection, string> = { open: 'Live', connecting: 'Connecting…', closed: 'Offline' };

export class VigilApp extends LitElement {
  static override properties = {
    state: { state: true },
    route: { state: true },
    live: { state: true },
    accountOpen: { state: true },
  };

  declare state: SessionState;
  declare route: AppRoute;
  declare live: LiveConnection;
  /** The user menu (change password) is open. */
  declare accountOpen: boolean;

  private stopLiveListener: (() => void) | null = null;
  private readonly onHashChange = (): void => {
    this.route = parseRoute(location.hash);
    // A new page: its content is where keyboard and screen reader users should be.
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: true }));
  };
  private readonly onUnauthorized = (): void => {
    closeLive();
    if (this.state.kind === 'ready') setCsrfToken(null);
    this.accountOpen = false;
    this.state = { kind: 'anonymous' };
  };
  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape' && this.accountOpen) this.closeAccount();
  };

  constructor() {
    super();
    applyStoredTheme();
    this.state = { kind: 'checking' };
    this.route = parseRoute(location.hash);
    this.live = liveConnection();
    this.accountOpen = false;
  }

  static override styles = [
    sharedStyles,
    css`
      .skip {
        position: absolute;
        left: -999px;
        top: 0.5rem;
        z-index: 30;
        background: var(--vigil-panel);
        padding: 0.4rem 0.7rem;
      }
      .skip:focus {
        left: 0.5rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1.25rem;
        padding: 0.55rem 1.25rem;
        background: var(--vigil-panel);
        border-bottom: 1px solid var(--vigil-border);
      }
      .brand {
        font-size: 1.3rem;
        font-weight: 700;
        letter-spacing: 0.02em;
        color: inherit;
        text-decoration: none;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: block;
        padding: 0.3rem 0.7rem;
        border-radius: 4px;
        color: inherit;
        text-decoration: none;
      }
      nav a:hover {
        background: var(--vigil-hover);
      }
      nav a[aria-current='page'] {
        background: var(--vigil-selected);
        font-weight: 600;
      }
      .end {
        margin-left: auto;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 0.9rem;
      }
      .live {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        font-size: 0.85rem;
        color: var(--vigil-muted);
      }
      .dot {
        width: 0.6rem;
        height: 0.6rem;
        border-radius: 50%;
        background: var(--vigil-unknown);
      }
      .live.open .dot {
        background: var(--vigil-up);
      }
      .live.closed .dot {
        background: var(--vigil-crit);
      }
      .user {
        font-size: 0.9rem;
      }
      .account {
        position: relative;
      }
      .account-menu {
        position: absolute;
        right: 0;
        top: calc(100% + 0.4rem);
        z-index: 20;
        margin: 0;
        box-shadow: 0 4px 16px rgb(0 0 0 / 0.18);
      }
      main {
        max-width: 1680px;
        margin: 0 auto;
        padding: 1rem 1.25rem 2rem;
      }
      /* Focused by the router so that a page change starts reading at the page; no ring needed. */
      main:focus,
      main:focus-visible {
        outline: none;
      }
      .centered {
        padding: 3rem 1rem;
        text-align: center;
      }
      @media (max-width: 760px) {
        header,
        main {
          padding-left: 0.6rem;
          padding-right: 0.6rem;
        }
        .end {
          margin-left: 0;
        }
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    window.addEventListener('vigil-unauthorized', this.onUnauthorized);
    window.addEventListener('keydown', this.onKeyDown);
    this.stopLiveListener = onLiveConnection((state) => (this.live = state));
    void this.checkSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('vigil-unauthorized', this.onUnauthorized);
    window.removeEventListener('keydown', this.onKeyDown);
    this.stopLiveListener?.();
    this.stopLiveListener = null;
  }

  protected override updated(): void {
    document.title = this.state.kind === 'ready' ? `${pageTitle(this.route)} · Vigil` : 'Vigil';
  }

  override render() {
    switch (this.state.kind) {
      case 'checking':
        return html`<p class="centered muted">Loading…</p>`;
      case 'failed':
        return html`<div class="centered">
          <p class="error" role="alert">${this.state.message}</p>
          <button type="button" @click=${() => void this.checkSession()}>Try again</button>
        </div>`;
      case 'anonymous':
        return html`<vigil-login-form @vigil-login=${this.onLogin}></vigil-login-form>`;
      case 'ready':
        return this.renderApp(this.state.session);
    }
  }

  private renderApp(session: Session) {
    const isAdmin = session.user.role === 'admin';
    const current = this.route.page === 'host' ? 'overview' : this.route.page;
    return html`
      <a class="skip" href="#main" @click=${this.skipToMain}>Skip to content</a>
      <header>
        <a class="brand" href="#/">Vigil</a>
        <nav aria-label="Main">
          <ul>
            ${NAV.filter((item) => isAdmin || !item.adminOnly).map(
              (item) => html`<li><a href=${item.href} aria-current=${current === item.page ? 'page' : 'false'}>${item.label}</a></li>`,
            )}
          </ul>
        </nav>
        <div class="end">
          <span class="live ${this.live}" role="status" title="Updates from the server's live stream">
            <span class="dot" aria-hidden="true"></span>${LIVE_TEXT[this.live]}
          </span>
          <div class="account">
            <button type="button" class="user" aria-expanded=${this.accountOpen ? 'true' : 'false'} aria-controls="account-menu" title="Your account: change your password" @click=${() => void this.toggleAccount()}>
              ${session.user.name} <span class="muted">(${session.user.role})</span> <span aria-hidden="true">▾</span>
            </button>
            ${this.accountOpen
              ? html`<section id="account-menu" class="account-menu panel" aria-label="Your account"><vigil-password-form></vigil-password-form></section>`
              : ''}
          </div>
          <button type="button" class="logout" @click=${() => void this.logOut()}>Log out</button>
          <vigil-theme-toggle></vigil-theme-toggle>
        </div>
      </header>
      <main id="main" tabindex="-1">
        ${this.route.page === 'inventory' ? '' : html`<inventory-status></inventory-status>`}
        ${this.renderPage(isAdmin, session)}
      </main>
      <vigil-toast-stack></vigil-toast-stack>
    `;
  }

  private renderPage(isAdmin: boolean, session: Session) {
    const route = this.route;
    switch (route.page) {
      case 'overview':
        return html`<vigil-fleet-overview></vigil-fleet-overview>`;
      case 'host':
        return html`<vigil-host-page .host=${route.host}></vigil-host-page>`;
      case 'alerts':
        return html`<vigil-alerts-page ?isAdmin=${isAdmin}></vigil-alerts-page>`;
      case 'availability':
        return html`<vigil-availability-page></vigil-availability-page>`;
      case 'incidents':
        return html`<vigil-incidents-page ?isAdmin=${isAdmin}></vigil-incidents-page>`;
      case 'inventory':
        return html`<vigil-inventory-page></vigil-inventory-page>`;
      case 'admin':
        return isAdmin
          ? html`<vigil-admin-page .currentUser=${session.user.name}></vigil-admin-page>`
          : html`<p class="panel">Only admins manage users and tokens.</p>`;
      case 'not-found':
        return html`<p class="panel">There is no page at <code>${route.hash}</code>. <a href="#/">Go to the overview.</a></p>`;
    }
  }

  private skipToMain(event: Event): void {
    // The hash belongs to the router; move focus without changing it.
    event.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('main')?.focus();
  }

  private async checkSession(): Promise<void> {
    this.state = { kind: 'checking' };
    try {
      const session = await fetchSession();
      setCsrfToken(session.csrfToken);
      this.state = { kind: 'ready', session };
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.state = { kind: 'anonymous' };
      else this.state = { kind: 'failed', message: `Cannot reach the Vigil server: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  private onLogin(event: CustomEvent<Session>): void {
    setCsrfToken(event.detail.csrfToken);
    this.state = { kind: 'ready', session: event.detail };
  }

  private async toggleAccount(): Promise<void> {
    this.accountOpen = !this.accountOpen;
    if (!this.accountOpen) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('vigil-password-form')?.focus();
  }

  private closeAccount(): void {
    this.accountOpen = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('button.user')?.focus());
  }

  private async logOut(): Promise<void> {
    // First, so that no retry of the stream goes out with the login being ended.
    closeLive();
    this.accountOpen = false;
    try {
      await logOut();
    } catch {
      // Already gone (expired session): logged out either way.
    }
    setCsrfToken(null);
    this.state = { kind: 'anonymous' };
  }
}

function pageTitle(route: AppRoute): string {
  switch (route.page) {
    case 'overview':
      return 'Overview';
    case 'host':
      return route.host;
    case 'alerts':
      return 'Alerts';
    case 'availability':
      return 'Availability';
    case 'incidents':
      return 'Incidents';
    case 'inventory':
      return 'Inventory';
    case 'admin':
      return 'Admin';
    case 'not-found':
      return 'Not found';
  }
}

customElements.define('vigil-app', VigilApp);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-app': VigilApp;
  }
}
