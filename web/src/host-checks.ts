// <vigil-host-checks>: the host's service checks (vigil_checks) as its newest poll ran them: one
// row per check, failing ones first, with what it measured. Check ids, messages and unit states
// come from the inventory or from the checked service: rendered as text, never as markup.
import { LitElement, css, html } from 'lit';
import type { CheckResult } from '../../lib/checks/check-result.ts';
import type { HostDetail } from './host-api.ts';
import { formatDateTime, formatDuration } from './format.ts';

export class VigilHostChecks extends LitElement {
  static override properties = {
    checks: { attribute: false },
  };

  declare checks: HostDetail['checks'];

  constructor() {
    super();
    this.checks = null;
  }

  static override styles = css`
    :host {
      display: block;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.85rem;
    }
    th {
      text-align: left;
      font-weight: 500;
      color: var(--vigil-muted);
      font-size: 0.75rem;
      padding: 0.2rem 0.5rem 0.2rem 0;
    }
    td {
      padding: 0.25rem 0.5rem 0.25rem 0;
      border-top: 1px solid var(--vigil-border);
      overflow-wrap: anywhere;
      vertical-align: top;
    }
    .ok {
      color: var(--vigil-up);
    }
    .failing {
      color: var(--vigil-down);
      font-weight: 600;
    }
    .expiring {
      color: var(--vigil-warn);
    }
    .meta,
    .check-id {
      color: var(--vigil-muted);
      font-size: 0.8rem;
    }
  `;

  override render() {
    const checks = this.checks;
    // A named check (vigil_checks `name:`) shows its name, its id under it for the operator.
    if (checks === null) return html``;
    const rows = [...checks.results].sort((a, b) => Number(a.ok) - Number(b.ok) || a.id.localeCompare(b.id));
    return html`<p class="meta">
        As of ${formatDateTime(checks.ts)}${checks.pollFailed ? ', while the host itself did not answer its poll' : ''}.
      </p>
      <table>
        <thead><tr><th>Check</th><th>State</th><th>Measured</th><th>Detail</th></tr></thead>
        <tbody>
          ${rows.map((check) => html`<tr data-check=${check.id}>
            <td>${check.name === undefined ? check.id : html`${check.name}<div class="check-id">${check.id}</div>`}</td>
            <td class=${check.ok ? 'ok' : 'failing'}>${check.ok ? 'OK' : `failing: ${check.reason ?? 'error'}`}</td>
            <td>${measured(check)}</td>
            <td class=${check.certExpiring === true ? 'expiring' : ''}>${detail(check)}</td>
          </tr>`)}
        </tbody>
      </table>`;
  }
}

/** What the check timed or read, in the order an operator scans it. */
function measured(check: CheckResult): string {
  const parts: string[] = [];
  if (check.statusCode !== undefined) parts.push(`HTTP ${check.statusCode}`);
  if (check.latencyMs !== undefined) parts.push(`${check.latencyMs} ms`);
  if (check.activeState !== undefined) parts.push([check.activeState, check.subState].filter((s) => s !== undefined).join(' / '));
  if (check.ageSec !== undefined) parts.push(`${formatDuration(check.ageSec)} old`);
  return parts.length === 0 ? '—' : parts.join(', ');
}

function detail(check: CheckResult): string {
  const parts: string[] = [];
  if (check.certDaysLeft !== undefined) {
    parts.push(check.certDaysLeft < 0 ? `certificate expired ${-check.certDaysLeft} d ago` : `certificate expires in ${check.certDaysLeft} d`);
  }
  if (check.message !== undefined && check.message !== '') parts.push(check.message);
  return parts.length === 0 ? '' : parts.join('; ');
}

customElements.define('vigil-host-checks', VigilHostChecks);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-host-checks': VigilHostChecks;
  }
}
