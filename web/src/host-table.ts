// <host-table>: the fleet at a glance, one row per host; choosing a row fires `host-select`.
import { LitElement, css, html, nothing } from 'lit';
import type { HostOverview } from './api-client.ts';
import { formatAge, formatBytesPerSec, formatLoad, formatPercent } from './format.ts';

export interface HostSelectDetail {
  name: string;
}

export class HostTable extends LitElement {
  static override properties = {
    hosts: { attribute: false },
    selected: { attribute: false },
    now: { attribute: false },
  };

  declare hosts: HostOverview[];
  declare selected: string | null;
  /** Milliseconds since the epoch that sample ages are measured from. */
  declare now: number;

  constructor() {
    super();
    this.hosts = [];
    this.selected = null;
    this.now = Date.now();
  }

  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      padding: 0.35rem 0.6rem;
      text-align: right;
      white-space: nowrap;
      border-bottom: 1px solid var(--vigil-border);
    }
    th {
      font-weight: 600;
      color: var(--vigil-muted);
      font-size: 0.85rem;
    }
    th.text,
    td.text {
      text-align: left;
    }
    tbody tr {
      cursor: pointer;
    }
    tbody tr:hover {
      background: var(--vigil-hover);
    }
    tr.selected {
      background: var(--vigil-selected);
    }
    tr.removed {
      opacity: 0.55;
    }
    button.name {
      all: unset;
      cursor: pointer;
      font-weight: 600;
    }
    button.name:focus-visible {
      outline: 2px solid var(--vigil-accent);
      outline-offset: 2px;
    }
    .groups {
      color: var(--vigil-muted);
      font-size: 0.85rem;
    }
    .status {
      display: inline-block;
      min-width: 4.5em;
      padding: 0.1rem 0.45rem;
      border-radius: 999px;
      font-size: 0.8rem;
      text-align: center;
      color: #fff;
      background: var(--vigil-unknown);
    }
    .status.up {
      background: var(--vigil-up);
    }
    .status.down {
      background: var(--vigil-down);
    }
    .hot {
      color: var(--vigil-down);
      font-weight: 600;
    }
    .empty {
      padding: 1rem;
      color: var(--vigil-muted);
    }
  `;

  override render() {
    if (this.hosts.length === 0) {
      return html`<p class="empty">No hosts yet. Vigil lists the hosts of your Ansible inventory here once it has read it.</p>`;
    }
    return html`
      <table>
        <thead>
          <tr>
            <th class="text">Status</th>
            <th class="text">Host</th>
            <th class="text">Groups</th>
            <th>CPU</th>
            <th>Memory</th>
            <th>Disk</th>
            <th>Net rx</th>
            <th>Net tx</th>
            <th>Load</th>
            <th>Last sample</th>
          </tr>
        </thead>
        <tbody>
          ${this.hosts.map((host) => this.renderRow(host))}
        </tbody>
      </table>
    `;
  }

  private renderRow(host: HostOverview) {
    const latest = host.latest;
    const classes = [host.name === this.selected ? 'selected' : '', host.removed ? 'removed' : ''].join(' ');
    const statusTitle = host.statusMessage ?? host.statusReason ?? nothing;
    return html`
      <tr class=${classes} @click=${() => this.select(host.name)}>
        <td class="text"><span class="status ${host.status}" title=${statusTitle}>${host.removed ? 'removed' : host.status}</span></td>
        <td class="text">
          <button class="name" title=${host.address} @click=${(event: Event) => this.onNameClick(event, host.name)}>${host.name}</button>
        </td>
        <td class="text groups">${host.groups.join(', ')}</td>
        <td class=${hot(latest?.cpuBusyPct, 90)}>${formatPercent(latest?.cpuBusyPct)}</td>
        <td class=${hot(latest?.memUsedPct, 90)}>${formatPercent(latest?.memUsedPct)}</td>
        <td class=${hot(latest?.diskUsedPctMax, 90)}>${formatPercent(latest?.diskUsedPctMax)}</td>
        <td>${formatBytesPerSec(latest?.netRxBytesPerSec)}</td>
        <td>${formatBytesPerSec(latest?.netTxBytesPerSec)}</td>
        <td>${formatLoad(latest?.load1)}</td>
        <td>${formatAge(latest?.ts, this.now)}</td>
      </tr>
    `;
  }

  private onNameClick(event: Event, name: string): void {
    // The row's own listener would select a second time.
    event.stopPropagation();
    this.select(name);
  }

  private select(name: string): void {
    this.dispatchEvent(new CustomEvent<HostSelectDetail>('host-select', { detail: { name }, bubbles: true, composed: true }));
  }
}

function hot(value: number | null | undefined, threshold: number): string {
  return value !== null && value !== undefined && value >= threshold ? 'hot' : '';
}

customElements.define('host-table', HostTable);

declare global {
  interface HTMLElementTagNameMap {
    'host-table': HostTable;
  }
}
