// <vigil-inventory-tree>: the inventory's groups as Ansible nests them, from `all` down, as
// nested <details> (the browser gives them keyboard support: Tab to a group, Enter or Space to
// open it). Choosing a group or host fires `inventory-select`. A group's content is rendered
// only while it is open, so a large inventory costs what is on screen.
import { LitElement, css, html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { InventorySnapshotGroup } from '../../lib/inventory/inventory-snapshot.ts';

export interface InventorySelection {
  kind: 'group' | 'host';
  name: string;
}

/** Hosts listed under one open group at most; the search finds the others. */
const HOSTS_SHOWN = 500;

export class InventoryTree extends LitElement {
  static override properties = {
    groups: { attribute: false },
    hostCounts: { attribute: false },
    selected: { attribute: false },
    open: { state: true },
  };

  declare groups: InventorySnapshotGroup[];
  /** Hosts in each group, through its children too; `all` counts every host. */
  declare hostCounts: Map<string, number>;
  declare selected: InventorySelection | null;
  /** Paths (group names joined by "/") of the open groups: a group shows once per parent. */
  declare open: Set<string>;

  constructor() {
    super();
    this.groups = [];
    this.hostCounts = new Map();
    this.selected = null;
    this.open = new Set(['all']);
  }

  static override styles = css`
    :host {
      display: block;
    }
    ul {
      list-style: none;
      margin: 0;
      padding-left: 1.1rem;
    }
    ul.root {
      padding-left: 0;
    }
    summary {
      cursor: pointer;
      padding: 0.15rem 0.3rem;
      border-radius: 4px;
    }
    summary:hover,
    button:hover {
      background: var(--vigil-hover);
    }
    summary:focus-visible,
    button:focus-visible {
      outline: 2px solid var(--vigil-accent);
      outline-offset: 1px;
    }
    .selected {
      background: var(--vigil-selected);
    }
    .group-name {
      font-weight: 600;
    }
    .count {
      color: var(--vigil-muted);
      font-size: 0.8rem;
      margin-left: 0.35rem;
    }
    button.host {
      all: unset;
      cursor: pointer;
      display: inline-block;
      padding: 0.1rem 0.3rem;
      border-radius: 4px;
      overflow-wrap: anywhere;
    }
    .more {
      color: var(--vigil-muted);
      font-size: 0.85rem;
      padding: 0.1rem 0.3rem;
    }
  `;

  override render() {
    const byName = new Map(this.groups.map((group) => [group.name, group]));
    const all = byName.get('all');
    if (!all) return html`<p class="more">No groups.</p>`;
    return html`<ul class="root" role="list">${this.renderGroup(all, 'all', byName, new Set())}</ul>`;
  }

  private renderGroup(group: InventorySnapshotGroup, path: string, byName: Map<string, InventorySnapshotGroup>, ancestors: Set<string>): TemplateResult {
    const isOpen = this.open.has(path);
    const selected = this.selected?.kind === 'group' && this.selected.name === group.name;
    const count = this.hostCounts.get(group.name) ?? 0;
    const lineage = new Set(ancestors).add(group.name);
    // Ansible refuses cycles; a snapshot that had one would still not hang the page.
    const children = group.children.filter((name) => !lineage.has(name)).flatMap((name) => byName.get(name) ?? []);
    const hosts = group.hosts.slice(0, HOSTS_SHOWN);
    return html`<li>
      <details ?open=${isOpen} @toggle=${(event: Event) => this.onToggle(path, event)} data-group=${group.name}>
        <summary class=${selected ? 'selected' : ''} @click=${() => this.select({ kind: 'group', name: group.name })}>
          <span class="group-name">${group.name}</span><span class="count">${count} ${count === 1 ? 'host' : 'hosts'}</span>
        </summary>
        ${isOpen
          ? html`<ul role="list">
              ${children.map((child) => this.renderGroup(child, `${path}/${child.name}`, byName, lineage))}
              ${hosts.map((host) => this.renderHost(host))}
              ${group.hosts.length > HOSTS_SHOWN
                ? html`<li class="more">… and ${group.hosts.length - HOSTS_SHOWN} more: search for them</li>`
                : nothing}
            </ul>`
          : nothing}
      </details>
    </li>`;
  }

  private renderHost(name: string) {
    const selected = this.selected?.kind === 'host' && this.selected.name === name;
    return html`<li>
      <button class="host ${selected ? 'selected' : ''}" data-host=${name} @click=${() => this.select({ kind: 'host', name })}>${name}</button>
    </li>`;
  }

  private onToggle(path: string, event: Event): void {
    const details = event.target as HTMLDetailsElement;
    if (details.open === this.open.has(path)) return;
    const open = new Set(this.open);
    if (details.open) open.add(path);
    else open.delete(path);
    this.open = open;
  }

  private select(selection: InventorySelection): void {
    this.dispatchEvent(new CustomEvent<InventorySelection>('inventory-select', { detail: selection, bubbles: true, composed: true }));
  }
}

customElements.define('vigil-inventory-tree', InventoryTree);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-inventory-tree': InventoryTree;
  }
}
