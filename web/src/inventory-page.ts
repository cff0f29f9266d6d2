// <vigil-inventory-page>: the inventory as the scheduler last read it. Whether the latest
// reload worked (and where it failed: file and line), the groups as a tree, a searchable host
// list, and the chosen host's merged variables or the chosen group's own, secrets masked.
// Inventory names and values may be hostile: everything is rendered as text.
import { LitElement, css, html, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import type { InventoryTree as InventoryTreeData } from '../../lib/db/queries/select-inventory-tree.ts';
import { ApiError, errorMessage, getJson } from './api-client.ts';
import { formatAge } from './format.ts';
import { describeReloadError, fetchInventoryStatus, reloadErrorStyles } from './inventory-status.ts';
import type { InventoryReload, InventoryStatus } from './inventory-status.ts';
import type { InventorySelection } from './inventory-tree.ts';
import './inventory-tree.ts';
import './inventory-vars.ts';

/** Search results listed at most. */
const RESULTS_SHOWN = 200;
const RECENT_RELOADS = 10;

export class VigilInventoryPage extends LitElement {
  static override properties = {
    host: { type: String },
    refreshMs: { attribute: false },
    tree: { state: true },
    noSnapshot: { state: true },
    status: { state: true },
    error: { state: true },
    search: { state: true },
    selected: { state: true },
    now: { state: true },
  };

  /** A host to show at first (set by a link to the page), optional. */
  declare host: string;
  declare refreshMs: number;
  declare tree: InventoryTreeData | null;
  /** The server has no snapshot yet (404): the scheduler never read the inventory successfully. */
  declare noSnapshot: boolean;
  declare status: InventoryStatus | null;
  declare error: string | null;
  declare search: string;
  declare selected: InventorySelection | null;
  declare now: number;

  private timer: ReturnType<typeof setTimeout> | null = null;
  /** current.at of the status the tree was fetched for: a new good reload means a fresh tree. */
  private treeFor: string | null = null;
  private hostCounts = new Map<string, number>();

  constructor() {
    super();
    this.host = '';
    this.refreshMs = 5000;
    this.tree = null;
    this.noSnapshot = false;
    this.status = null;
    this.error = null;
    this.search = '';
    this.selected = null;
    this.now = Date.now();
  }

  static override styles = [
    reloadErrorStyles,
    css`
    :host {
      display: block;
    }
    h2 {
      font-size: 1.2rem;
      margin: 0 0 0.75rem;
    }
    h3 {
      font-size: 1rem;
      margin: 0 0 0.5rem;
    }
    section {
      background: var(--vigil-panel);
      border: 1px solid var(--vigil-border);
      border-radius: 6px;
      padding: 0.75rem;
      margin-bottom: 1rem;
    }
    .banner {
      border-color: var(--vigil-down);
      border-left-width: 4px;
    }
    .muted,
    .hint {
      color: var(--vigil-muted);
      font-size: 0.9rem;
    }
    .error {
      color: var(--vigil-down);
    }
    .layout {
      display: grid;
      grid-template-columns: minmax(16rem, 1fr) minmax(20rem, 2fr);
      gap: 1rem;
      align-items: start;
    }
    @media (max-width: 800px) {
      .layout {
        grid-template-columns: 1fr;
      }
    }
    .layout section {
      margin-bottom: 0;
    }
    .side {
      display: grid;
      gap: 1rem;
    }
    input[type='search'] {
      width: 100%;
      box-sizing: border-box;
      padding: 0.35rem 0.5rem;
      border: 1px solid var(--vigil-border);
      border-radius: 4px;
      background: var(--vigil-bg);
      color: var(--vigil-fg);
      font: inherit;
    }
    ul.results {
      list-style: none;
      padding: 0;
      margin: 0.5rem 0 0;
      max-height: 18rem;
      overflow-y: auto;
    }
    button.link {
      all: unset;
      cursor: pointer;
      padding: 0.1rem 0.3rem;
      border-radius: 4px;
      overflow-wrap: anywhere;
    }
    button.link:hover {
      background: var(--vigil-hover);
    }
    button.link:focus-visible {
      outline: 2px solid var(--vigil-accent);
      outline-offset: 1px;
    }
    .chips {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
      margin: 0 0 0.75rem;
      padding: 0;
      list-style: none;
    }
    .chips button.link {
      border: 1px solid var(--vigil-border);
      padding: 0.05rem 0.45rem;
      font-size: 0.85rem;
    }
    table.reloads {
      border-collapse: collapse;
      font-size: 0.85rem;
      margin-top: 0.5rem;
    }
    table.reloads th,
    table.reloads td {
      text-align: left;
      padding: 0.2rem 0.6rem 0.2rem 0;
      border-bottom: 1px solid var(--vigil-border);
    }
    table.reloads th {
      color: var(--vigil-muted);
      font-weight: 600;
    }
    .failed {
      color: var(--vigil-down);
    }
    details.history summary {
      cursor: pointer;
      color: var(--vigil-muted);
      font-size: 0.9rem;
      margin-top: 0.5rem;
    }
  `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.host) this.selected = { kind: 'host', name: this.host };
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('host') && this.host) this.selected = { kind: 'host', name: this.host };
    if (changed.has('tree')) this.hostCounts = countHosts(this.tree);
  }

  override render() {
    return html`
      <h2>Inventory</h2>
      ${this.error === null ? nothing : html`<p class="error" role="alert">${this.error}</p>`}
      ${this.renderReloads()}
      ${this.noSnapshot
        ? html`<section><p class="hint">The scheduler has not stored the inventory yet: it does on its first good read of the inventory.</p></section>`
        : this.tree === null
          ? html`<section><p class="hint">Loading…</p></section>`
          : this.renderInventory(this.tree)}
    `;
  }

  private renderReloads() {
    const status = this.status;
    if (status === null) return nothing;
    const failed = status.lastError;
    const current = status.current;
    const inUse = current
      ? html`Polling ${current.hosts} ${current.hosts === 1 ? 'host' : 'hosts'} from <code>${current.source}</code>, loaded ${this.age(current.at)}.`
      : html`No good inventory has been loaded yet.`;
    return html`
      <section class=${failed ? 'banner' : ''} aria-label="Inventory reloads">
        ${failed
          ? html`<div role="alert">
              <strong>The latest reload failed</strong> (${this.age(failed.at)}); the last good inventory is still polled.
              <p class="where">${describeReloadError(failed)}</p>
            </div>`
          : nothing}
        <div class="muted">
          ${inUse}
          ${status.lastReload && !failed ? html` Last reload ${this.age(status.lastReload.at)}: ${describeChanges(status.lastReload)}.` : nothing}
        </div>
        ${status.recent.length > 1
          ? html`<details class="history">
              <summary>Recent reloads</summary>
              <table class="reloads">
                <thead><tr><th scope="col">when</th><th scope="col">result</th><th scope="col">hosts</th><th scope="col">changes or error</th></tr></thead>
                <tbody>
                  ${status.recent.map(
                    (reload) => html`<tr>
                      <td><time datetime=${reload.at} title=${reload.at}>${formatAge(Date.parse(reload.at), this.now)}</time></td>
                      <td class=${reload.ok ? '' : 'failed'}>${reload.ok ? 'ok' : 'failed'}</td>
                      <td>${reload.hosts}</td>
                      <td>${reload.ok ? describeChanges(reload) : describeReloadError(reload)}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </details>`
          : nothing}
      </section>
    `;
  }

  private renderInventory(tree: InventoryTreeData) {
    return html`
      <div class="layout">
        <div class="side">
          <section aria-label="Groups">
            <h3>Groups</h3>
            <vigil-inventory-tree
              .groups=${tree.groups}
              .hostCounts=${this.hostCounts}
              .selected=${this.selected}
              @inventory-select=${(event: CustomEvent<InventorySelection>) => this.choose(event.detail)}
            ></vigil-inventory-tree>
          </section>
          <section aria-label="Hosts">${this.renderSearch(tree)}</section>
        </div>
        <section aria-label="Details" class="details">${this.renderDetails(tree)}</section>
      </div>
      <p class="hint">Version ${tree.version}, as the scheduler read it ${this.age(tree.loadedAt)}. Secrets are masked before they are stored.</p>
    `;
  }

  private renderSearch(tree: InventoryTreeData) {
    const names = Object.keys(tree.hosts);
    const needle = this.search.trim().toLowerCase();
    const matches = needle === '' ? names : names.filter((name) => name.toLowerCase().includes(needle));
    return html`
      <h3>Hosts <span class="muted">(${needle === '' ? names.length : `${matches.length} of ${names.length}`})</span></h3>
      <input
        type="search"
        placeholder="Search hosts"
        aria-label="Search hosts"
        .value=${this.search}
        @input=${(event: Event) => (this.search = (event.target as HTMLInputElement).value)}
      />
      <ul class="results" role="list">
        ${matches.slice(0, RESULTS_SHOWN).map(
          (name) => html`<li><button class="link" data-host=${name} @click=${() => this.choose({ kind: 'host', name })}>${name}</button></li>`,
        )}
        ${matches.length > RESULTS_SHOWN ? html`<li class="muted">… and ${matches.length - RESULTS_SHOWN} more: narrow the search</li>` : nothing}
      </ul>
    `;
  }

  private renderDetails(tree: InventoryTreeData) {
    const selected = this.selected;
    if (selected === null) return html`<p class="hint">Choose a group or a host to see its variables.</p>`;
    if (selected.kind === 'host') {
      const host = tree.hosts[selected.name];
      if (!host) return html`<p class="hint">There is no host named <code>${selected.name}</code> in the inventory.</p>`;
      return html`
        <h3>Host <span data-title>${selected.name}</span></h3>
        <ul class="chips" aria-label="Groups of the host">
          ${host.groups.map((group) => html`<li><button class="link" @click=${() => this.choose({ kind: 'group', name: group })}>${group}</button></li>`)}
        </ul>
        <p class="muted">Variables merged as Ansible merges them (group_vars, host_vars, inline):</p>
        <vigil-inventory-vars .vars=${host.vars}></vigil-inventory-vars>
      `;
    }
    const group = tree.groups.find((candidate) => candidate.name === selected.name);
    if (!group) return html`<p class="hint">There is no group named <code>${selected.name}</code> in the inventory.</p>`;
    return html`
      <h3>Group <span data-title>${group.name}</span></h3>
      <p class="muted">
        ${this.hostCounts.get(group.name) ?? 0} hosts in all; ${group.hosts.length} listed in it directly${group.children.length > 0
          ? html`; children: ${group.children.map((child, i) => html`${i > 0 ? ', ' : ''}<button class="link" @click=${() => this.choose({ kind: 'group', name: child })}>${child}</button>`)}`
          : nothing}.
      </p>
      <p class="muted">The group's own variables (inline and group_vars):</p>
      <vigil-inventory-vars .vars=${group.vars}></vigil-inventory-vars>
    `;
  }

  private choose(selection: InventorySelection): void {
    this.selected = selection;
  }

  private age(iso: string) {
    return html`<time datetime=${iso} title=${iso}>${formatAge(Date.parse(iso), this.now)}</time>`;
  }

  private async refresh(): Promise<void> {
    this.timer = null;
    try {
      if (!document.hidden || this.status === null) {
        const status = await fetchInventoryStatus(undefined, RECENT_RELOADS);
        this.status = status;
        this.now = Date.now();
        const loadedAt = status.current?.at ?? null;
        if (this.tree === null || loadedAt !== this.treeFor) await this.fetchTree(loadedAt);
        this.error = null;
      }
    } catch (err) {
      this.error = `cannot load the inventory: ${errorMessage(err)}`;
    } finally {
      if (this.isConnected) this.timer = setTimeout(() => void this.refresh(), this.refreshMs);
    }
  }

  private async fetchTree(loadedAt: string | null): Promise<void> {
    try {
      this.tree = await getJson<InventoryTreeData>('api/v1/inventory/tree');
      this.noSnapshot = false;
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      this.tree = null;
      this.noSnapshot = true;
    }
    this.treeFor = loadedAt;
  }
}

/** Hosts per group, through children: a host's groups already list every ancestor. */
function countHosts(tree: InventoryTreeData | null): Map<string, number> {
  const counts = new Map<string, number>();
  if (tree === null) return counts;
  const hosts = Object.values(tree.hosts);
  counts.set('all', hosts.length);
  for (const host of hosts) for (const group of host.groups) counts.set(group, (counts.get(group) ?? 0) + 1);
  return counts;
}

function describeChanges(reload: InventoryReload): string {
  const parts = [
    reload.added > 0 ? `${reload.added} added` : '',
    reload.removed > 0 ? `${reload.removed} removed` : '',
    reload.changed > 0 ? `${reload.changed} changed` : '',
  ].filter((part) => part !== '');
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

customElements.define('vigil-inventory-page', VigilInventoryPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-inventory-page': VigilInventoryPage;
  }
}
