// <inventory-status>: whether the scheduler's latest reading of the inventory worked. While the
// latest reload failed, a banner says where (file:line) and what is wrong, and that the last
// good inventory is still being polled; otherwise one quiet line with the last good reload.
// The shell leaves it off the inventory page, which shows the same and the reload history.
import { LitElement, css, html } from 'lit';
import type { InventoryReload, InventoryStatus } from '../../lib/db/queries/select-inventory-status.ts';
import { getJson } from './api-client.ts';
import { formatAge } from './format.ts';

export type { InventoryReload, InventoryStatus };

/** The status with the `recent` latest reloads (the banner needs only the latest). */
export async function fetchInventoryStatus(signal?: AbortSignal, recent = 1): Promise<InventoryStatus> {
  return getJson<InventoryStatus>(`api/v1/inventory?recent=${recent}`, signal);
}

/** A failed reload's heading (in .banner) and its "file:line: message" (.where); the inventory page shows them too. */
export const reloadErrorStyles = css`
  .banner strong {
    color: var(--vigil-down);
  }
  .where {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85rem;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    margin: 0.35rem 0;
  }
`;

/** "file:line: message", as a compiler or Ansible would put it. */
export function describeReloadError(reload: InventoryReload): string {
  const error = reload.error;
  if (!error) return '';
  const where = error.file === null ? '' : `${error.file}${error.line === null ? '' : `:${error.line}`}: `;
  return `${where}${error.message}`;
}

export class InventoryStatusElement extends LitElement {
  static override properties = {
    refreshMs: { attribute: false },
    status: { state: true },
    now: { state: true },
  };

  declare refreshMs: number;
  declare status: InventoryStatus | null;
  declare now: number;

  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    super();
    this.refreshMs = 5000;
    this.status = null;
    this.now = Date.now();
  }

  static override styles = [
    reloadErrorStyles,
    css`
    :host {
      display: block;
    }
    .banner {
      border: 1px solid var(--vigil-down);
      border-left-width: 4px;
      border-radius: 6px;
      background: var(--vigil-panel);
      padding: 0.6rem 0.75rem;
      margin-bottom: 1rem;
    }
    .quiet {
      color: var(--vigil-muted);
      font-size: 0.85rem;
      margin: 0 0 0.75rem;
    }
  `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  override render() {
    const status = this.status;
    if (status === null) return html``;
    const current = status.current;
    const lastGood = current
      ? html`Still polling the last good inventory: ${current.hosts} ${current.hosts === 1 ? 'host' : 'hosts'}, loaded
          <time datetime=${current.at} title=${current.at}>${formatAge(Date.parse(current.at), this.now)}</time>.`
      : html`No good inventory has been loaded yet.`;
    const failed = status.lastError;
    if (failed) {
      return html`
        <div class="banner" role="alert">
          <strong>The inventory could not be reloaded</strong>
          (<time datetime=${failed.at} title=${failed.at}>${formatAge(Date.parse(failed.at), this.now)}</time>);
          fix it and save again.
          <p class="where">${describeReloadError(failed)}</p>
          ${lastGood}
        </div>
      `;
    }
    if (!current) return html``;
    return html`<p class="quiet">
      Inventory ${current.source}: ${current.hosts} ${current.hosts === 1 ? 'host' : 'hosts'}, reloaded
      <time datetime=${current.at} title=${current.at}>${formatAge(Date.parse(current.at), this.now)}</time>.
    </p>`;
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    try {
      if (!document.hidden || this.status === null) {
        this.status = await fetchInventoryStatus();
        this.now = Date.now();
      }
    } catch {
      // The host list above already reports an unreachable server; keep what was shown.
    } finally {
      if (this.isConnected) this.timer = setTimeout(() => void this.refresh(), this.refreshMs);
    }
  }
}

customElements.define('inventory-status', InventoryStatusElement);

declare global {
  interface HTMLElementTagNameMap {
    'inventory-status': InventoryStatusElement;
  }
}
