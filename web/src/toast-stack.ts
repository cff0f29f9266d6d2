// <vigil-toast-stack>: a toast for every alert that starts firing while the dashboard is open,
// announced to screen readers (aria-live), each a link to its host. Fed by the event stream's
// `alert` events; while the stream is down, by polling the active alerts.
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { fetchActiveAlerts } from './api-client.ts';
import type { ApiAlert } from './api-client.ts';
import { hostHref } from './app-route.ts';
import { followLive } from './live-events.ts';
import { sharedStyles } from './shared-styles.ts';

const MAX_TOASTS = 5;
const TOAST_MS = 20_000;
const FALLBACK_POLL_MS = 10_000;

interface Toast {
  id: string;
  alert: ApiAlert;
}

/** One occurrence of an alert: the same alert firing again later is a new toast. */
const occurrence = (alert: ApiAlert): string => `${alert.key}@${alert.startsAt ?? ''}`;

export class ToastStack extends LitElement {
  static override properties = { toasts: { state: true } };
  declare toasts: Toast[];

  private readonly seen = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private unfollow: (() => void) | null = null;
  /** Until the first list of active alerts arrives, what is firing already is not news. */
  private seeded = false;

  constructor() {
    super();
    this.toasts = [];
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        position: fixed;
        right: 1rem;
        bottom: 1rem;
        z-index: 20;
        width: min(24rem, calc(100vw - 2rem));
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.5rem;
      }
      li {
        display: flex;
        align-items: start;
        gap: 0.5rem;
        background: var(--vigil-panel);
        border: 1px solid var(--vigil-border);
        border-left: 4px solid var(--vigil-warn);
        border-radius: 6px;
        padding: 0.55rem 0.6rem;
        box-shadow: 0 4px 14px rgba(0, 0, 0, 0.18);
      }
      li.critical {
        border-left-color: var(--vigil-crit);
      }
      a {
        flex: 1;
        color: inherit;
        text-decoration: none;
        min-width: 0;
      }
      a:hover .host {
        text-decoration: underline;
      }
      .host {
        font-weight: 600;
      }
      .summary {
        display: block;
        font-size: 0.85rem;
        color: var(--vigil-muted);
      }
      button {
        padding: 0 0.4rem;
        line-height: 1.4;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.unfollow = followLive({ alert: (alert) => this.onAlert(alert) }, FALLBACK_POLL_MS, () => void this.poll());
    void this.poll();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unfollow?.();
    this.unfollow = null;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  override render() {
    return html`<ol aria-live="polite" aria-label="New alerts">
      ${repeat(
        this.toasts,
        (t) => t.id,
        (t) => html`<li class="toast ${t.alert.severity}">
          <a href=${hostHref(t.alert.host)} @click=${() => this.dismiss(t.id)}>
            <span class="severity ${t.alert.severity}">${t.alert.severity}</span>
            <span class="host">${t.alert.host}</span>: ${t.alert.rule}
            <span class="summary">${t.alert.summary}</span>
          </a>
          <button type="button" aria-label="Dismiss" title="Dismiss" @click=${() => this.dismiss(t.id)}>×</button>
        </li>`,
      )}
    </ol>`;
  }

  /** The stream told of an alert: a toast if it just started firing. */
  onAlert(alert: ApiAlert): void {
    if (alert.state !== 'firing' || alert.ack !== null) return;
    const id = occurrence(alert);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.toasts = [{ id, alert }, ...this.toasts].slice(0, MAX_TOASTS);
    this.timers.set(id, setTimeout(() => this.dismiss(id), TOAST_MS));
  }

  dismiss(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  private async poll(): Promise<void> {
    try {
      const alerts = await fetchActiveAlerts();
      if (!this.seeded) {
        for (const alert of alerts) this.seen.add(occurrence(alert));
        this.seeded = true;
        return;
      }
      for (const alert of alerts) this.onAlert(alert);
    } catch {
      // The page itself reports an unreachable server; toasts just wait for the next poll.
    }
  }
}

customElements.define('vigil-toast-stack', ToastStack);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-toast-stack': ToastStack;
  }
}
