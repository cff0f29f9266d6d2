// PLACEHOLDER being replaced by a teammate right now: <vigil-host-page>, the host page.
import { LitElement, html } from 'lit';

export class VigilHostPage extends LitElement {
  static override properties = { host: { type: String } };
  declare host: string;
  override render() {
    return html`<p>The host page is being built.</p>`;
  }
}

customElements.define('vigil-host-page', VigilHostPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-host-page': VigilHostPage;
  }
}
