// <vigil-host-facts>: what the host is (OS, kernel, CPU, memory, boot) and where it sits in the
// inventory, or, for an entry seen through another host's poll (a vCenter's VM), which host that
// is and what runs it, linked to their pages. Everything here was reported by the host or read
// from the inventory: text only.
import { LitElement, css, html } from 'lit';
import { hostHref } from './app-route.ts';
import type { HostDetail } from './host-api.ts';
import { formatBytes, formatDuration } from './format.ts';

export class VigilHostFacts extends LitElement {
  static override properties = {
    detail: { attribute: false },
    now: { attribute: false },
  };

  declare detail: HostDetail | null;
  declare now: number;

  constructor() {
    super();
    this.detail = null;
    this.now = Date.now();
  }

  static override styles = css`
    :host {
      display: block;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(220px, 1fr));
      gap: 0.4rem 1rem;
      margin: 0;
    }
    dt {
      font-size: 0.75rem;
      color: var(--vigil-muted);
    }
    dd {
      margin: 0;
      font-size: 0.88rem;
      overflow-wrap: anywhere;
    }
    .failed {
      color: var(--vigil-down);
    }
    a {
      color: var(--vigil-accent);
    }
  `;

  override render() {
    const d = this.detail;
    if (d === null) return html``;
    const f = d.facts;
    const os = [f.osName, f.osVersion].filter((part) => part !== null && part !== '').join(' ');
    const cpu = [f.cpuModel, f.cpuCount === null ? null : `${f.cpuCount} ${f.cpuCount === 1 ? 'core' : 'cores'}`].filter((part) => part !== null).join(', ');
    const booted = f.bootTime === null ? null : new Date(f.bootTime);
    const uptime = booted === null ? f.uptimeSec : (this.now - booted.getTime()) / 1000;
    const failed = d.failedUnits?.units ?? null;
    return html`<dl>
      ${this.item('Hostname', f.hostname)} ${this.item('Address', d.address)} ${this.item('Operating system', os)} ${this.item('Kernel', f.kernel)}
      ${this.item('CPU', cpu)} ${this.item('Architecture', f.architecture)} ${this.item('Memory', f.memTotalBytes === null ? null : formatBytes(f.memTotalBytes))}
      ${this.item('Swap', f.swapTotalBytes === null ? null : formatBytes(f.swapTotalBytes))}
      ${this.item('Booted', booted === null ? null : `${booted.toLocaleString()} (up ${formatDuration(uptime)})`)}
      ${clockItem(f.clockOffsetSec)}
      ${d.parent === null ? '' : html`${this.hostItem('Polled through', d.parent)} ${this.item('Power state', d.powerState)} ${this.hostItem('Runs on', d.runsOn)}`}
      ${this.item('Groups', d.groups.length === 0 ? null : d.groups.join(', '))} ${d.via.length === 0 ? '' : this.item('Reached via', d.via.join(' → '))}
      ${d.parents.length === 0 ? '' : html`<div><dt>Parents</dt><dd>${d.parents.map((parent, i) => html`${i > 0 ? ', ' : ''}<a href=${hostHref(parent)}>${parent}</a>`)}</dd></div>`}
      ${this.item('Poll interval', `${d.intervalSec} s`)}
      ${this.item('Last sample', d.lastSampleAt === null ? null : new Date(d.lastSampleAt).toLocaleString())}
      ${this.item('Sampled by', sourceName(d.latest?.source ?? null))}
      ${failed === null || failed.length === 0
        ? this.item('Failed units', d.failedUnits === null ? null : failed === null ? 'no systemd' : 'none')
        : html`<div><dt>Failed units</dt><dd class="failed">${failed.join(', ')}</dd></div>`}
    </dl>`;
  }

  private item(label: string, value: string | null) {
    return html`<div><dt>${label}</dt><dd>${value === null || value === '' ? '—' : value}</dd></div>`;
  }

  /** Another entry of the fleet, as a link to its page. */
  private hostItem(label: string, host: string | null) {
    return html`<div><dt>${label}</dt><dd>${host === null ? '—' : html`<a href=${hostHref(host)}>${host}</a>`}</dd></div>`;
  }
}

/** How far the host's clock is from Vigil's (its worker's), marked as the clock_skew rule would: a minute or more. */
function clockItem(offsetSec: number | null) {
  if (offsetSec === null) return html`<div><dt>Clock</dt><dd>—</dd></div>`;
  // Read to about a second: a second either way is in step.
  const text = Math.abs(offsetSec) <= 1 ? 'in step with Vigil' : `${formatDuration(Math.abs(offsetSec))} ${offsetSec > 0 ? 'ahead of' : 'behind'} Vigil`;
  return html`<div><dt>Clock</dt><dd class=${Math.abs(offsetSec) >= 60 ? 'failed' : ''}>${text}</dd></div>`;
}

/** A node_exporter host whose exporter missed a poll shows SSH here until the exporter answers again. */
function sourceName(source: string | null): string | null {
  if (source === 'ssh') return 'SSH (poll script)';
  if (source === 'node_exporter') return 'node_exporter';
  return source;
}

customElements.define('vigil-host-facts', VigilHostFacts);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-host-facts': VigilHostFacts;
  }
}
