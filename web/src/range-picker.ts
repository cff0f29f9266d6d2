// <vigil-range-picker>: the presets (1 h … 90 d) and a custom from/to in local time.
// Tells the page with a "range-change" event; the page owns the range.
import { LitElement, css, html } from 'lit';
import { RANGE_PRESETS, fixedRange, fromLocalInput, resolveRange, toLocalInput } from './time-range.ts';
import type { TimeRange } from './time-range.ts';

export interface RangeChangeDetail {
  range: TimeRange;
}

export class VigilRangePicker extends LitElement {
  static override properties = {
    range: { attribute: false },
    error: { state: true },
  };

  declare range: TimeRange;
  declare error: string | null;

  constructor() {
    super();
    this.range = { kind: 'preset', preset: RANGE_PRESETS[0]! };
    this.error = null;
  }

  static override styles = css`
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
    }
    .presets {
      display: flex;
      gap: 0.25rem;
    }
    button,
    input {
      font: inherit;
      font-size: 0.85rem;
      color: inherit;
      background: transparent;
      border: 1px solid var(--vigil-border);
      border-radius: 4px;
      padding: 0.15rem 0.5rem;
    }
    button {
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      background: var(--vigil-accent);
      border-color: var(--vigil-accent);
      color: #fff;
    }
    form {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem;
      font-size: 0.85rem;
    }
    .error {
      color: var(--vigil-down);
      font-size: 0.85rem;
    }
  `;

  override render() {
    const { fromMs, toMs } = resolveRange(this.range, Date.now());
    const active = this.range.kind === 'preset' ? this.range.preset.id : null;
    return html`
      <div class="presets" role="group" aria-label="Time range">
        ${RANGE_PRESETS.map(
          (preset) => html`<button type="button" data-range=${preset.id} aria-pressed=${preset.id === active ? 'true' : 'false'} @click=${() => this.choose({ kind: 'preset', preset })}>
            ${preset.label}
          </button>`,
        )}
      </div>
      <form @submit=${this.onSubmit} aria-label="Custom range">
        <label>from <input type="datetime-local" name="from" .value=${toLocalInput(fromMs)} required /></label>
        <label>to <input type="datetime-local" name="to" .value=${toLocalInput(toMs)} required /></label>
        <button type="submit" aria-pressed=${this.range.kind === 'fixed' ? 'true' : 'false'}>Apply</button>
      </form>
      ${this.error === null ? '' : html`<span class="error" role="alert">${this.error}</span>`}
    `;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string): string => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const fromMs = fromLocalInput(value('from'));
    const toMs = fromLocalInput(value('to'));
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
      this.error = 'enter both "from" and "to"';
      return;
    }
    if (toMs <= fromMs) {
      this.error = '"to" must be later than "from"';
      return;
    }
    const range = fixedRange(fromMs, toMs);
    if (range === null) {
      this.error = 'a range may span at most 400 days';
      return;
    }
    this.choose(range);
  }

  private choose(range: TimeRange): void {
    this.error = null;
    this.dispatchEvent(new CustomEvent<RangeChangeDetail>('range-change', { detail: { range }, bubbles: true, composed: true }));
  }
}

customElements.define('vigil-range-picker', VigilRangePicker);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-range-picker': VigilRangePicker;
  }
}
