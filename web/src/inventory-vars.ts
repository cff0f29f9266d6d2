// <vigil-inventory-vars>: a host's or group's inventory variables as a table, sorted by name.
// Secrets arrive already masked (the scheduler masks them before storing); they are shown as
// masked, never as a value. Every name and value is inventory text and is rendered as text.
import { LitElement, css, html } from 'lit';

/** What the server puts in place of a secret's value (lib/inventory/mask-variables.ts). */
export const MASKED = '********';

export class InventoryVars extends LitElement {
  static override properties = {
    vars: { attribute: false },
  };

  declare vars: Record<string, unknown>;

  constructor() {
    super();
    this.vars = {};
  }

  static override styles = css`
    :host {
      display: block;
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th,
    td {
      text-align: left;
      vertical-align: top;
      padding: 0.3rem 0.6rem;
      border-bottom: 1px solid var(--vigil-border);
    }
    thead th {
      color: var(--vigil-muted);
      font-size: 0.85rem;
      font-weight: 600;
    }
    tbody th {
      font-weight: 500;
      white-space: nowrap;
    }
    .value {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-size: 0.85rem;
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 0;
    }
    .masked {
      color: var(--vigil-muted);
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      letter-spacing: 0.1em;
    }
    .masked small {
      letter-spacing: normal;
      font-family: system-ui, sans-serif;
      margin-left: 0.5rem;
    }
    .none {
      color: var(--vigil-muted);
      margin: 0.25rem 0;
    }
  `;

  override render() {
    const names = Object.keys(this.vars).sort((a, b) => a.localeCompare(b));
    if (names.length === 0) return html`<p class="none">No variables.</p>`;
    return html`
      <table>
        <thead>
          <tr><th scope="col">variable</th><th scope="col">value</th></tr>
        </thead>
        <tbody>
          ${names.map((name) => html`<tr data-var=${name}><th scope="row">${name}</th><td>${renderValue(this.vars[name])}</td></tr>`)}
        </tbody>
      </table>
    `;
  }
}

function renderValue(value: unknown) {
  if (value === MASKED) {
    return html`<span class="masked" title="A secret: masked by the scheduler, never sent to the browser">${MASKED}<small>(masked)</small></span>`;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return html`<pre class="value">${text}</pre>`;
}

customElements.define('vigil-inventory-vars', InventoryVars);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-inventory-vars': InventoryVars;
  }
}
