// <vigil-login-form>: name and password, POST api/v1/session. A good login fires `vigil-login`
// with the session (user and CSRF token); a wrong one, or too many, says so and stays.
import { LitElement, css, html } from 'lit';
import { ApiError, logIn } from './api-client.ts';
import type { Session } from './api-client.ts';
import { sharedStyles } from './shared-styles.ts';

export class LoginForm extends LitElement {
  static override properties = {
    error: { state: true },
    busy: { state: true },
  };

  declare error: string | null;
  declare busy: boolean;

  constructor() {
    super();
    this.error = null;
    this.busy = false;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: grid;
        place-items: center;
        min-height: 100vh;
        padding: 1rem;
        box-sizing: border-box;
      }
      form {
        width: min(22rem, 100%);
        display: grid;
        gap: 0.75rem;
      }
      h1 {
        margin: 0;
        font-size: 1.5rem;
        letter-spacing: 0.02em;
      }
      .field {
        display: grid;
        gap: 0.25rem;
      }
      input {
        font-size: 1rem;
        padding: 0.45rem 0.55rem;
      }
      button.primary {
        font-size: 1rem;
        padding: 0.45rem;
      }
      .error,
      .intro {
        margin: 0;
      }
    `,
  ];

  override render() {
    return html`
      <form class="panel" @submit=${this.submit} aria-labelledby="title" novalidate>
        <h1 id="title">Vigil</h1>
        <p class="muted intro">Log in to see your fleet.</p>
        <div class="field">
          <label for="name">Name</label>
          <input id="name" name="name" autocomplete="username" required autofocus ?disabled=${this.busy} />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required ?disabled=${this.busy} />
        </div>
        <p class="error" role="alert" id="login-error">${this.error ?? ''}</p>
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    `;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (name === '' || password === '') {
      this.error = 'Enter your name and password.';
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const session: Session = await logIn(name, password);
      this.dispatchEvent(new CustomEvent<Session>('vigil-login', { detail: session, bubbles: true, composed: true }));
    } catch (err) {
      this.error = loginErrorText(err);
      const field = this.renderRoot.querySelector<HTMLInputElement>('#password');
      if (field) field.value = '';
    } finally {
      this.busy = false;
    }
    await this.updateComplete;
    if (this.error !== null) this.renderRoot.querySelector<HTMLInputElement>('#password')?.focus();
  }
}

export function loginErrorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'Wrong name or password.';
    if (err.status === 429) return `Too many failed logins. Try again in ${err.retryAfterSec ?? 'a few'} seconds.`;
    return `Login failed: ${err.message}`;
  }
  return `Cannot reach the server: ${err instanceof Error ? err.message : String(err)}`;
}

customElements.define('vigil-login-form', LoginForm);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-login-form': LoginForm;
  }
}
