// <vigil-admin-page>: users (add with a role and password, change role, remove) and API tokens
// (create, shown once with a copy button, revoke). Admins only: the shell shows it to admins,
// and the server answers 403 to anyone else.
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { createToken, errorMessage, createUser, deleteUser, fetchTokens, fetchUsers, revokeToken, updateUser } from './api-client.ts';
import type { ApiToken, ApiUser, UserRole } from './api-client.ts';
import { formatDateTime } from './format.ts';
import { sharedStyles } from './shared-styles.ts';

const ROLES: readonly UserRole[] = ['viewer', 'admin'];

export class AdminPage extends LitElement {
  static override properties = {
    currentUser: { type: String },
    users: { state: true },
    tokens: { state: true },
    newToken: { state: true },
    copied: { state: true },
    confirming: { state: true },
    error: { state: true },
    notice: { state: true },
    loaded: { state: true },
  };

  /** Who is logged in: they cannot remove themselves here. */
  declare currentUser: string;
  declare users: ApiUser[];
  declare tokens: ApiToken[];
  /** The token just created, shown until dismissed; the server never shows it again. */
  declare newToken: { name: string; token: string } | null;
  declare copied: boolean;
  /** What waits for a second click: "user:NAME" or "token:ID". */
  declare confirming: string | null;
  declare error: string | null;
  declare notice: string | null;
  declare loaded: boolean;

  constructor() {
    super();
    this.currentUser = '';
    this.users = [];
    this.tokens = [];
    this.newToken = null;
    this.copied = false;
    this.confirming = null;
    this.error = null;
    this.notice = null;
    this.loaded = false;
  }

  static override styles = [
    sharedStyles,
    css`
      .scroll {
        overflow-x: auto;
      }
      form.add {
        display: flex;
        flex-wrap: wrap;
        gap: 0.6rem 0.8rem;
        align-items: end;
        margin-top: 0.8rem;
      }
      form.add div {
        display: grid;
        gap: 0.2rem;
      }
      td.actions {
        text-align: right;
        white-space: nowrap;
      }
      .secret {
        border: 1px solid var(--vigil-warn);
        border-radius: 6px;
        padding: 0.6rem 0.75rem;
        margin-top: 0.8rem;
      }
      .secret div {
        display: flex;
        gap: 0.5rem;
        flex-wrap: wrap;
      }
      .secret input {
        flex: 1;
        min-width: 16rem;
        font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      }
      .notice {
        color: var(--vigil-up);
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    return html`
      <p class="error" role="alert">${this.error ?? ''}</p>
      <p class="notice" role="status">${this.notice ?? ''}</p>
      <section class="panel" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        ${this.loaded ? this.renderUsers() : html`<p class="muted">Loading…</p>`}
        <form class="add" novalidate @submit=${this.addUser} aria-label="Add a user">
          <div><label for="user-name">Name</label><input id="user-name" name="name" required autocomplete="off" /></div>
          <div>
            <label for="user-role">Role</label>
            <select id="user-role" name="role">${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select>
          </div>
          <div><label for="user-password">Password</label><input id="user-password" name="password" type="password" required minlength="8" autocomplete="new-password" /></div>
          <button type="submit" class="primary">Add user</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        ${this.loaded ? this.renderTokens() : ''}
        ${this.newToken === null ? '' : this.renderNewToken(this.newToken)}
        <form class="add" novalidate @submit=${this.addToken} aria-label="Create an API token">
          <div><label for="token-name">Label</label><input id="token-name" name="name" required maxlength="100" placeholder="e.g. prometheus" /></div>
          <div>
            <label for="token-user">Acts as</label>
            <select id="token-user" name="user">
              ${this.users.map((u) => html`<option .value=${u.name} ?selected=${u.name === this.currentUser}>${u.name} (${u.role})</option>`)}
            </select>
          </div>
          <div><label for="token-days">Expires after (days)</label><input id="token-days" name="days" type="number" min="1" max="3650" placeholder="never" /></div>
          <button type="submit" class="primary">Create token</button>
        </form>
      </section>
    `;
  }

  private renderUsers() {
    return html`<div class="scroll">
      <table class="users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Created</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.users,
            (u) => u.name,
            (u) => html`<tr data-user=${u.name}>
              <td class="wrap-anywhere">${u.name}${u.name === this.currentUser ? html` <span class="muted">(you)</span>` : ''}</td>
              <td>
                <select aria-label="Role of ${u.name}" class="role" @change=${(e: Event) => this.changeRole(u, (e.target as HTMLSelectElement).value as UserRole, e.target as HTMLSelectElement)}>
                  ${ROLES.map((r) => html`<option value=${r} ?selected=${u.role === r}>${r}</option>`)}
                </select>
              </td>
              <td>${formatDateTime(u.createdAt)}</td>
              <td class="actions">
                ${u.name === this.currentUser
                  ? ''
                  : this.confirming === `user:${u.name}`
                    ? html`<button type="button" class="danger confirm" @click=${() => this.removeUser(u.name)}>Really remove ${u.name}?</button>
                        <button type="button" @click=${() => (this.confirming = null)}>Keep</button>`
                    : html`<button type="button" class="danger remove" @click=${() => (this.confirming = `user:${u.name}`)}>Remove</button>`}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderTokens() {
    if (this.tokens.length === 0) return html`<p class="muted">No API tokens.</p>`;
    return html`<div class="scroll">
      <table class="tokens">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">User</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${repeat(
            this.tokens,
            (t) => t.id,
            (t) => html`<tr data-token=${t.id}>
              <td class="wrap-anywhere">${t.name}</td>
              <td>${t.user}</td>
              <td>${formatDateTime(t.createdAt)}</td>
              <td>${t.expiresAt === null ? 'never' : formatDateTime(t.expiresAt)}</td>
              <td>${t.lastUsedAt === null ? 'never' : formatDateTime(t.lastUsedAt)}</td>
              <td class="actions">
                ${this.confirming === `token:${t.id}`
                  ? html`<button type="button" class="danger confirm" @click=${() => this.revoke(t.id)}>Really revoke?</button>
                      <button type="button" @click=${() => (this.confirming = null)}>Keep</button>`
                  : html`<button type="button" class="danger revoke" @click=${() => (this.confirming = `token:${t.id}`)}>Revoke</button>`}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderNewToken(created: { name: string; token: string }) {
    return html`<div class="secret" role="region" aria-labelledby="new-token-title">
      <h3 id="new-token-title">Token “${created.name}” created</h3>
      <p>Copy it now: it is not shown again. Scripts send it as <code>Authorization: Bearer …</code>.</p>
      <div>
        <input id="new-token" readonly aria-label="The new token" .value=${created.token} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
        <button type="button" class="copy" @click=${this.copyToken}>${this.copied ? 'Copied' : 'Copy'}</button>
        <button type="button" @click=${() => (this.newToken = null)}>Done</button>
      </div>
    </div>`;
  }

  private async load(): Promise<void> {
    try {
      const [users, tokens] = await Promise.all([fetchUsers(), fetchTokens()]);
      this.users = users;
      this.tokens = tokens;
      this.loaded = true;
    } catch (err) {
      this.error = `Cannot load users and tokens: ${errorMessage(err)}`;
    }
  }

  private async run(action: () => Promise<void>, notice: string): Promise<boolean> {
    try {
      await action();
      this.error = null;
      this.notice = notice;
      this.confirming = null;
      await this.load();
      return true;
    } catch (err) {
      this.notice = null;
      this.error = errorMessage(err);
      return false;
    }
  }

  private async addUser(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const role = String(data.get('role')) as UserRole;
    const password = String(data.get('password') ?? '');
    if (await this.run(() => createUser({ name, role, password }).then(() => undefined), `User ${name} added as ${role}.`)) form.reset();
  }

  private async changeRole(user: ApiUser, role: UserRole, select: HTMLSelectElement): Promise<void> {
    const ok = await this.run(() => updateUser(user.name, { role }).then(() => undefined), `${user.name} is now ${role}.`);
    // Refused (the last admin): the select shows the role the user still has.
    if (!ok) select.value = user.role;
  }

  private async removeUser(name: string): Promise<void> {
    await this.run(() => deleteUser(name), `User ${name} removed.`);
  }

  private async addToken(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    const user = String(data.get('user') ?? '');
    const days = String(data.get('days') ?? '').trim();
    let token = '';
    const ok = await this.run(async () => {
      const created = await createToken({ name, ...(user !== '' ? { user } : {}), ...(days !== '' ? { expiresInDays: Number(days) } : {}) });
      token = created.token;
    }, `Token ${name} created.`);
    if (!ok) return;
    this.newToken = { name, token };
    this.copied = false;
    form.reset();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#new-token')?.focus();
  }

  private async revoke(id: number): Promise<void> {
    await this.run(() => revokeToken(id), 'Token revoked.');
  }

  private async copyToken(): Promise<void> {
    const field = this.renderRoot.querySelector<HTMLInputElement>('#new-token');
    if (!field || this.newToken === null) return;
    try {
      await navigator.clipboard.writeText(this.newToken.token);
      this.copied = true;
    } catch {
      // No clipboard access (plain HTTP, or refused): select it for Ctrl+C instead.
      field.focus();
      field.select();
      this.notice = 'Press Ctrl+C (or ⌘C) to copy the selected token.';
    }
  }
}

customElements.define('vigil-admin-page', AdminPage);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-admin-page': AdminPage;
  }
}
