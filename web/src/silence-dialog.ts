// <vigil-silence-dialog>: mutes an alert's notifications for a while. Opened from an alert, its
// matchers come prefilled (host and rule on, the host's first group offered); the duration is a
// preset (1 h, 4 h, 1 d) or typed ("90m", "3d"); a comment is required, so the next person on
// call knows why. A native modal <dialog>: focus stays inside, Escape closes it.
import { LitElement, css, html } from 'lit';
import { createSilence, errorMessage } from './api-client.ts';
import type { ApiAlert, ApiSilence, NewSilence } from './api-client.ts';
import { fetchHostDetail } from './host-api.ts';
import { sharedStyles } from './shared-styles.ts';

export const DURATION_PRESETS = ['1h', '4h', '1d'] as const;
// What the server's parseDuration takes: '90m', '2h', '1h30m', '3d'.
const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/;

export interface SilenceMatcherFields {
  host: { on: boolean; value: string };
  rule: { on: boolean; value: string };
  group: { on: boolean; value: string };
}

/** The silence the form describes, or what is missing. */
export function silenceFromForm(fields: SilenceMatcherFields, duration: string, comment: string): NewSilence | string {
  const matchers: Pick<NewSilence, 'host' | 'rule' | 'group'> = {};
  for (const key of ['host', 'rule', 'group'] as const) {
    const field = fields[key];
    if (!field.on) continue;
    if (field.value.trim() === '') return `Enter the ${key} to match, or untick it.`;
    matchers[key] = field.value.trim();
  }
  if (Object.keys(matchers).length === 0) return 'Tick at least one of host, rule and group.';
  const length = duration.replace(/\s+/g, '');
  if (!DURATION_PATTERN.test(length)) return 'Give the duration as a number and a unit, e.g. 90m, 2h or 3d.';
  if (comment.trim() === '') return 'Say why: the comment is required.';
  return { ...matchers, duration: length, comment: comment.trim() };
}

export class SilenceDialog extends LitElement {
  static override properties = {
    alert: { state: true },
    fields: { state: true },
    preset: { state: true },
    custom: { state: true },
    error: { state: true },
    busy: { state: true },
  };

  declare alert: ApiAlert | null;
  declare fields: SilenceMatcherFields;
  declare preset: string;
  declare custom: string;
  declare error: string | null;
  declare busy: boolean;

  constructor() {
    super();
    this.alert = null;
    this.fields = { host: { on: true, value: '' }, rule: { on: true, value: '' }, group: { on: false, value: '' } };
    this.preset = '1h';
    this.custom = '';
    this.error = null;
    this.busy = false;
  }

  static override styles = [
    sharedStyles,
    css`
      dialog {
        background: var(--vigil-panel);
        color: var(--vigil-fg);
        border: 1px solid var(--vigil-border);
        border-radius: 8px;
        width: min(30rem, calc(100vw - 2rem));
        padding: 1rem 1.25rem;
      }
      dialog::backdrop {
        background: rgba(0, 0, 0, 0.45);
      }
      fieldset {
        border: 1px solid var(--vigil-border);
        border-radius: 6px;
        margin: 0 0 0.8rem;
        padding: 0.5rem 0.75rem 0.7rem;
        display: grid;
        gap: 0.45rem;
      }
      legend {
        font-size: 0.85rem;
        font-weight: 600;
        padding: 0 0.25rem;
      }
      .matcher {
        display: grid;
        grid-template-columns: 5.5rem 1fr;
        align-items: center;
        gap: 0.5rem;
      }
      .matcher label,
      .presets label {
        color: var(--vigil-fg);
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
      }
      .presets {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 1rem;
        align-items: center;
      }
      textarea {
        width: 100%;
        box-sizing: border-box;
        min-height: 4.5rem;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
        margin-top: 0.8rem;
      }
    `,
  ];

  override render() {
    const f = this.fields;
    const matcher = (key: keyof SilenceMatcherFields, label: string) => html`<div class="matcher">
      <label><input type="checkbox" name="${key}-on" .checked=${f[key].on} @change=${(e: Event) => this.setField(key, { on: (e.target as HTMLInputElement).checked })} />${label}</label>
      <input
        name=${key}
        aria-label="${label} to match"
        .value=${f[key].value}
        ?disabled=${!f[key].on}
        @input=${(e: Event) => this.setField(key, { value: (e.target as HTMLInputElement).value })}
      />
    </div>`;
    return html`
      <dialog aria-labelledby="silence-title" @close=${this.onClose}>
        <form method="dialog" novalidate @submit=${this.submit}>
          <h2 id="silence-title">Silence notifications</h2>
          <fieldset>
            <legend>Match alerts of</legend>
            ${matcher('host', 'Host')} ${matcher('rule', 'Rule')} ${matcher('group', 'Group')}
          </fieldset>
          <fieldset>
            <legend>For</legend>
            <div class="presets">
              ${DURATION_PRESETS.map(
                (p) => html`<label><input type="radio" name="duration" .value=${p} .checked=${this.preset === p} @change=${() => (this.preset = p)} />${p}</label>`,
              )}
              <label><input type="radio" name="duration" value="custom" .checked=${this.preset === 'custom'} @change=${() => (this.preset = 'custom')} />custom</label>
              <input
                name="custom-duration"
                aria-label="Custom duration, e.g. 90m or 3d"
                placeholder="e.g. 90m, 3d"
                size="10"
                .value=${this.custom}
                ?disabled=${this.preset !== 'custom'}
                @input=${(e: Event) => (this.custom = (e.target as HTMLInputElement).value)}
              />
            </div>
          </fieldset>
          <label for="comment">Why (required)</label>
          <textarea id="comment" name="comment" required></textarea>
          <p class="error" role="alert">${this.error ?? ''}</p>
          <div class="actions">
            <button type="button" @click=${() => this.close()}>Cancel</button>
            <button type="submit" class="primary" ?disabled=${this.busy}>${this.busy ? 'Silencing…' : 'Silence'}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  /** Opens the dialog prefilled from the alert. */
  async show(alert: ApiAlert): Promise<void> {
    this.alert = alert;
    this.fields = { host: { on: true, value: alert.host }, rule: { on: true, value: alert.rule }, group: { on: false, value: alert.labels['group'] ?? '' } };
    this.preset = '1h';
    this.custom = '';
    this.error = null;
    await this.updateComplete;
    const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    if (comment) comment.value = '';
    this.renderRoot.querySelector('dialog')?.showModal();
    comment?.focus();
    if (this.fields.group.value === '') void this.offerGroup(alert.host);
  }

  close(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  /** The host's first inventory group, offered (not ticked) as a wider matcher. */
  private async offerGroup(host: string): Promise<void> {
    try {
      const group = (await fetchHostDetail(host)).groups[0];
      if (group !== undefined && this.alert?.host === host && this.fields.group.value === '') this.setField('group', { value: group });
    } catch {
      // No detail (an older server, a removed host): the group can still be typed.
    }
  }

  private setField(key: keyof SilenceMatcherFields, change: Partial<{ on: boolean; value: string }>): void {
    this.fields = { ...this.fields, [key]: { ...this.fields[key], ...change } };
  }

  private onClose(): void {
    this.alert = null;
    this.busy = false;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const comment = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.value ?? '';
    const silence = silenceFromForm(this.fields, this.preset === 'custom' ? this.custom : this.preset, comment);
    if (typeof silence === 'string') {
      this.error = silence;
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const created = await createSilence(silence);
      this.dispatchEvent(new CustomEvent<ApiSilence>('silence-created', { detail: created, bubbles: true, composed: true }));
      this.close();
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.busy = false;
    }
  }
}

customElements.define('vigil-silence-dialog', SilenceDialog);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-silence-dialog': SilenceDialog;
  }
}
