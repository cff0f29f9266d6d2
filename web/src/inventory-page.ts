// PLACEHOLDER being replaced by a teammate right now: <vigil-inventory-page>, the inventory page.
import { LitElement, html } from 'lit';

export class VigilInventoryPage extends LitElement {
  static override properties = { host: { type: String } };
  declare host: string;
  override render() {
    return html`<p>The inventory page is being built.</p>`;
  }
}

customElements.define('vigil-inventory-page', VigilInventoryPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-inventory-page': VigilInventoryPage;
  }
}
