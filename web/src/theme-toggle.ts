// <vigil-theme-toggle>: light or dark, remembered in localStorage. Until someone chooses, the
// page follows the system's preference (prefers-color-scheme). The choice is <html data-theme>,
// which app.css and the charts (chart-theme.ts watches the attribute) follow.
import { LitElement, html } from 'lit';
import { sharedStyles } from './shared-styles.ts';

export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'vigil-theme';

export function storedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    // Storage blocked (privacy settings): the system's preference it is.
    return null;
  }
}

export function systemTheme(): Theme {
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The theme in effect: the stored choice, else the system's. */
export function currentTheme(): Theme {
  return storedTheme() ?? systemTheme();
}

/** Sets <html data-theme> from the stored choice; without one the attribute stays off and CSS follows the system. */
export function applyStoredTheme(): void {
  const theme = storedTheme();
  if (theme === null) delete document.documentElement.dataset['theme'];
  else document.documentElement.dataset['theme'] = theme;
}

export class ThemeToggle extends LitElement {
  static override properties = { theme: { state: true } };
  declare theme: Theme;

  private readonly query = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly onSystemChange = (): void => {
    this.theme = currentTheme();
  };

  constructor() {
    super();
    this.theme = currentTheme();
  }

  static override styles = sharedStyles;

  override connectedCallback(): void {
    super.connectedCallback();
    this.query.addEventListener('change', this.onSystemChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.query.removeEventListener('change', this.onSystemChange);
  }

  override render() {
    const dark = this.theme === 'dark';
    // A toggle button keeps its label; aria-pressed tells its state.
    return html`<button type="button" class="theme" aria-pressed=${dark ? 'true' : 'false'} title="Switch to the ${dark ? 'light' : 'dark'} theme" @click=${this.toggle}>
      <span aria-hidden="true">${dark ? '☾' : '☀'}</span> Dark theme
    </button>`;
  }

  private toggle(): void {
    const next: Theme = this.theme === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(THEME_STORAGE_KEY, next);
    } catch {
      // Not remembered, but applied for this page.
    }
    document.documentElement.dataset['theme'] = next;
    this.theme = next;
  }
}

customElements.define('vigil-theme-toggle', ThemeToggle);

declare global {
  interface HTMLElementTagNameMap {
    'vigil-theme-toggle': ThemeToggle;
  }
}
