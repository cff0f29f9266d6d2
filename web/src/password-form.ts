// <vigil-password-form>: the logged-in user changes their own password (POST
// api/v1/session/password): the current one, the new one twice. Says what went wrong, or that it
// worked and how many other sessions were logged out; fires `vigil-password-changed` then.
import { LitElement, css, html } from 'lit';
import { ApiError, changePassword, errorMessage } from './api-client.ts';
import { sharedStyles } from './shared-styles.ts';

/** The server's rule (lib/auth/create-user.ts): checked here first only to answer sooner. */
const MIN_LENGTH = 8;

export class PasswordForm extends LitElement {
  // focus() on the element puts the keyboard in its first field.
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override properties = {
    error: { state: true },
    notice: { state: true },
    busy: { state: true },
  };

  declare error: string | null;
  declare notice: string | null;
  declare busy: boolean;

  constructor() {
    super();
    this.error = null;
    this.notice = null;
    this.busy = false;
  }

  static override styles = [
    sharedStyles,
    css`
      form {
        display: grid;
        gap: 0.6rem;
        min-width: min(18rem, 80vw);
      }
      .field {
        display: grid;
        gap: 0.2rem;
      }
      h2,
      p {
        margin: 0;
      }
      .notice {
        color: var(--vigil-up);
      }
      .rule {
        font-size: 0.8rem;
      }
    `,
  ];

  override render() {
    return html`
      <form @submit=${this.submit} aria-labelledby="password-title" novalidate>
        <h2 id="password-title">Change your password</h2>
        <div class="field">
          <label for="current">Current password</label>
          <input id="current" name="current" type="password" autocomplete="current-password" required ?disabled=${this.busy} />
        </div>
        <div class="field">
          <label for="new">New password</label>
          <input id="new" name="new" type="password" autocomplete="new-password" minlength=${MIN_LENGTH} required ?disabled=${this.busy} aria-describedby="rule" />
          <span id="rule" class="muted rule">At least ${MIN_LENGTH} characters.</span>
        </div>
        <div class="field">
          <label for="repeat">Repeat the new password</label>
          <input id="repeat" name="repeat" type="password" autocomplete="new-password" required ?disabled=${this.busy} />
        </div>
        <p class="error" role="alert">${this.error ?? ''}</p>
        <p class="notice" role="status">${this.notice ?? ''}</p>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Changing…' : 'Change password'}</button>
      </form>
    `;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const current = String(data.get('current') ?? '');
    const next = String(data.get('new') ?? '');
    const repeat = String(data.get('repeat') ?? '');
    this.notice = null;
    this.error = formProblem(current, next, repeat);
    if (this.error !== null) return;
    this.busy = true;
    try {
      const { endedSessions } = await changePassword(current, next);
      form.reset();
      this.notice = `Password changed.${endedSessions > 0 ? ` ${endedSessions === 1 ? '1 other session was' : `${endedSessions} other sessions were`} logged out.` : ''}`;
      this.dispatchEvent(new CustomEvent('vigil-password-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.error = changeErrorText(err);
    } finally {
      this.busy = false;
    }
  }
}

/** What is wrong with the form's input before asking the server, or null. */
export function formProblem(current: string, next: string, repeat: string): string | null {
  if (current === '' || next === '' || repeat === '') return 'Fill in all three fields.';
  if (next.length < MIN_LENGTH) return `The new password needs at least ${MIN_LENGTH} characters.`;
  if (next !== repeat) return 'The two new passwords differ.';
  if (next === current) return 'The new password is the same as the current one.';
  return null;
}

export function changeErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403 && /currentPassword/.test(err.message)) return 'The current password is wrong.';
    if (err.status === 429) return `Too many wrong passwords. Try again in ${err.retryAfterSec ?? 'a few'} seconds.`;
  }
  return `The password was not changed: ${errorMessage(err)}`;
}

customElements.define('vigil-password-form', PasswordForm);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-password-form': PasswordForm;
  }
}
