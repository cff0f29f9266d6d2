// <vigil-process-table>: the top processes by CPU and by memory of one full poll. Command lines
// come from the host and may hold anything: they are bound as text, never as markup.
import { LitElement, css, html } from 'lit';
import type { ProcessesAt } from './host-api.ts';
import type { TopProcess } from '../../lib/collect/sample.ts';
import { formatBytes } from './format.ts';

export class VigilProcessTable extends LitElement {
  static override properties = {
    data: { attribute: false },
    loading: { attribute: false },
    error: { attribute: false },
    /** Why there may be no list, e.g. how long raw samples are kept. */
    emptyHint: { attribute: false },
  };

  declare data: ProcessesAt | null;
  declare loading: boolean;
  declare error: string | null;
  declare emptyHint: string;

  constructor() {
    super();
    this.data = null;
    this.loading = false;
    this.error = null;
    this.emptyHint = '';
  }

  static override styles = css`
    :host {
      display: block;
    }
    .lists {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(380px, 1fr));
      gap: 1rem;
    }
    h3 {
      margin: 0 0 0.25rem;
      font-size: 0.9rem;
    }
    p {
      margin: 0.25rem 0;
      color: var(--vigil-muted);
      font-size: 0.85rem;
    }
    .error {
      color: var(--vigil-down);
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.82rem;
      table-layout: fixed;
    }
    th,
    td {
      text-align: left;
      padding: 0.15rem 0.4rem;
      border-bottom: 1px solid var(--vigil-border);
      vertical-align: top;
    }
    th.num,
    td.num {
      text-align: right;
      width: 5.5rem;
      font-variant-numeric: tabular-nums;
    }
    td.command {
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      overflow-wrap: anywhere;
    }
  `;

  override render() {
    const sample = this.data?.sample ?? null;
    const at = this.data === null ? '' : new Date(this.data.at).toLocaleString();
    return html`
      ${this.error === null ? '' : html`<p class="error" role="alert">${this.error}</p>`}
      ${this.loading ? html`<p>Loading processes…</p>` : ''}
      ${this.data !== null && sample === null
        ? html`<p class="empty">No process list at or before ${at}.${this.emptyHint === '' ? '' : ` ${this.emptyHint}`}</p>`
        : ''}
      ${sample === null
        ? ''
        : html`
            <p class="when">
              At ${at}: from the full poll at ${new Date(sample.ts).toLocaleString()} · ${sample.running} running of ${sample.total} processes
            </p>
            <div class="lists">
              <div>
                <h3>Top CPU</h3>
                ${this.table(sample.topCpu, 'cpu')}
              </div>
              <div>
                <h3>Top memory</h3>
                ${this.table(sample.topMemory, 'memory')}
              </div>
            </div>
          `}
    `;
  }

  private table(processes: TopProcess[], which: string) {
    if (processes.length === 0) return html`<p>None listed.</p>`;
    return html`<table data-list=${which}>
      <thead>
        <tr>
          <th class="num">PID</th>
          <th class="num">CPU</th>
          <th class="num">Memory</th>
          <th>Command</th>
        </tr>
      </thead>
      <tbody>
        ${processes.map(
          (p) => html`<tr>
            <td class="num">${p.pid}</td>
            <td class="num">${p.cpuPct.toFixed(1)} %</td>
            <td class="num">${formatBytes(p.rssBytes)}</td>
            <td class="command" title=${p.command}>${p.command}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

customElements.define('vigil-process-table', VigilProcessTable);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-process-table': VigilProcessTable;
  }
}
