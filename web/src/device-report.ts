// <vigil-device-report>: what an SNMP device (vigil_source: snmp) said in its newest poll. A printer
// shows its state, every supply as a meter of what is left (toner low at a glance), its page counter
// and its own alert table; another device its interfaces' link states. Every string here comes
// from the device (sysDescr, supply names, alert texts): rendered as text, never as markup.
import { LitElement, css, html } from 'lit';
import type { DeviceReport } from '../../lib/snmp/device-report.ts';
import type { SnmpReport } from '../../lib/snmp/poll-snmp.ts';
import type { PrinterReport } from '../../lib/snmp/printer-report.ts';
import type { PrinterSupply } from '../../lib/snmp/printer-supplies.ts';

/** The level the default rule supply_low warns below: the meter and its figure turn to the warning colour there too. */
const SUPPLY_LOW_PCT = 20;

export class VigilDeviceReport extends LitElement {
  static override properties = {
    report: { attribute: false },
  };

  declare report: SnmpReport | null;

  constructor() {
    super();
    this.report = null;
  }

  static override styles = css`
    :host {
      display: block;
      font-size: 0.85rem;
    }
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
      gap: 0.4rem 1rem;
      margin: 0 0 0.75rem;
    }
    dt {
      font-size: 0.75rem;
      color: var(--vigil-muted);
    }
    dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    h4 {
      margin: 0.5rem 0 0.3rem;
      font-size: 0.85rem;
      font-weight: 600;
    }
    .supply {
      display: grid;
      grid-template-columns: minmax(8rem, 16rem) 1fr 4.5rem;
      align-items: center;
      gap: 0.5rem;
      margin: 0.2rem 0;
    }
    meter {
      width: 100%;
      height: 0.8rem;
    }
    .low .level {
      color: var(--vigil-warn);
      font-weight: 600;
    }
    .bad {
      color: var(--vigil-down);
      font-weight: 600;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th {
      text-align: left;
      font-weight: 500;
      color: var(--vigil-muted);
      font-size: 0.75rem;
    }
    td {
      padding: 0.2rem 0.5rem 0.2rem 0;
      border-top: 1px solid var(--vigil-border);
      overflow-wrap: anywhere;
    }
    .meta {
      color: var(--vigil-muted);
    }
  `;

  override render() {
    const report = this.report;
    if (report === null) return html``;
    return report.profile === 'printer' ? this.renderPrinter(report) : this.renderDevice(report);
  }

  private renderPrinter(report: PrinterReport) {
    const healthy = (report.printerStatus === null || ['idle', 'printing', 'warmup'].includes(report.printerStatus))
      && report.deviceStatus !== 'down' && report.deviceStatus !== 'warning' && report.detectedErrors.length === 0;
    return html`<dl>
        ${item('Printer', report.system.description)}
        <div><dt>Status</dt><dd class=${healthy ? '' : 'bad'} data-printer-status>${[report.printerStatus ?? 'unknown', report.deviceStatus === null ? null : `device ${report.deviceStatus}`].filter((s) => s !== null).join(', ')}</dd></div>
        ${report.detectedErrors.length === 0 ? '' : html`<div><dt>Errors</dt><dd class="bad">${report.detectedErrors.join(', ')}</dd></div>`}
        ${item('Page count', report.pageCount === null ? null : report.pageCount.toLocaleString())}
        ${item('Pages per day', report.pagesPerDay === undefined || report.pagesPerDay === null ? null : Math.round(report.pagesPerDay).toLocaleString())}
      </dl>
      <h4>Supplies</h4>
      ${report.supplies.length === 0 ? html`<p class="meta">The printer lists no supplies.</p>` : report.supplies.map((supply) => this.renderSupply(supply))}
      <h4>Printer alerts</h4>
      ${report.alerts.length === 0
        ? html`<p class="meta">None.</p>`
        : html`<table>
            <thead><tr><th>Severity</th><th>Where</th><th>What</th></tr></thead>
            <tbody>${report.alerts.map((alert) => html`<tr>
              <td class=${alert.severity === 'critical' ? 'bad' : ''}>${alert.severity}</td>
              <td>${alert.groupIndex === null ? alert.group : `${alert.group} ${alert.groupIndex}`}</td>
              <td>${alert.description === '' ? alert.code : alert.description}</td>
            </tr>`)}</tbody>
          </table>`}`;
  }

  private renderSupply(supply: PrinterSupply) {
    const left = supply.remainingPct;
    const low = left !== null && left < SUPPLY_LOW_PCT;
    // Without a measured level the printer may still say "some remaining": words, not a bar.
    const level = left !== null ? `${Math.round(left)} %` : supply.levelState === 'some-remaining' ? 'some left' : 'unknown';
    return html`<div class="supply ${low ? 'low' : ''}" data-supply=${supply.name}>
      <span>${supply.name}</span>
      <!-- A meter, not a styled div: the page's CSP allows no inline style, and the browser
           colours a meter below its low mark by itself. -->
      <meter min="0" max="100" low=${SUPPLY_LOW_PCT} optimum="100" .value=${Math.max(0, Math.min(100, left ?? 0))} aria-label=${supply.name}></meter>
      <span class="level">${level}</span>
    </div>`;
  }

  private renderDevice(report: DeviceReport) {
    return html`<dl>
        ${item('Device', report.system.description)} ${item('Name', report.system.name)}
      </dl>
      <h4>Interfaces</h4>
      ${report.interfaces.length === 0
        ? html`<p class="meta">The device lists no interfaces.</p>`
        : html`<table>
            <thead><tr><th>Interface</th><th>Link</th><th>Speed</th><th>Alias</th></tr></thead>
            <tbody>${report.interfaces.map((iface) => html`<tr>
              <td>${iface.name}</td>
              <td class=${iface.operStatus === 'down' || iface.operStatus === 'lowerLayerDown' ? 'bad' : ''}>${iface.operStatus}</td>
              <td>${iface.speedBitsPerSec === null ? '—' : formatBitRate(iface.speedBitsPerSec)}</td>
              <td>${iface.alias ?? ''}</td>
            </tr>`)}</tbody>
          </table>`}`;
  }
}

function item(label: string, value: string | null) {
  return html`<div><dt>${label}</dt><dd>${value === null || value === '' ? '—' : value}</dd></div>`;
}

function formatBitRate(bitsPerSec: number): string {
  if (bitsPerSec >= 1e9) return `${+(bitsPerSec / 1e9).toFixed(1)} Gb/s`;
  if (bitsPerSec >= 1e6) return `${+(bitsPerSec / 1e6).toFixed(1)} Mb/s`;
  return `${+(bitsPerSec / 1e3).toFixed(1)} kb/s`;
}

customElements.define('vigil-device-report', VigilDeviceReport);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-device-report': VigilDeviceReport;
  }
}
