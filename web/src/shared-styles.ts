// Styles every page of the shell shares (panels, buttons, fields, tables), adopted by each
// component's shadow root: the page's stylesheet does not reach inside shadow DOM.
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    display: block;
  }
  *:focus-visible {
    outline: 2px solid var(--vigil-focus);
    outline-offset: 2px;
  }
  .panel {
    background: var(--vigil-panel);
    border: 1px solid var(--vigil-border);
    border-radius: 6px;
    padding: 0.75rem 1rem;
    margin-bottom: 1rem;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 0.6rem;
  }
  h3 {
    font-size: 0.95rem;
    margin: 0 0 0.5rem;
  }
  button,
  .button {
    font: inherit;
    font-size: 0.9rem;
    padding: 0.3rem 0.75rem;
    border: 1px solid var(--vigil-border);
    border-radius: 4px;
    background: var(--vigil-panel);
    color: var(--vigil-fg);
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    background: var(--vigil-hover);
  }
  button.primary {
    background: var(--vigil-accent);
    border-color: var(--vigil-accent);
    color: var(--vigil-accent-fg);
  }
  button.danger {
    color: var(--vigil-crit);
    border-color: var(--vigil-crit);
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  input,
  select,
  textarea {
    font: inherit;
    font-size: 0.9rem;
    padding: 0.3rem 0.45rem;
    border: 1px solid var(--vigil-border);
    border-radius: 4px;
    background: var(--vigil-bg);
    color: var(--vigil-fg);
  }
  label {
    font-size: 0.85rem;
    color: var(--vigil-muted);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 0.35rem 0.5rem;
    text-align: left;
    border-bottom: 1px solid var(--vigil-border);
    vertical-align: top;
  }
  th {
    font-size: 0.8rem;
    font-weight: 600;
    color: var(--vigil-muted);
  }
  a {
    color: var(--vigil-accent);
  }
  .muted {
    color: var(--vigil-muted);
  }
  .error {
    color: var(--vigil-crit);
  }
  .severity {
    display: inline-block;
    padding: 0.05rem 0.45rem;
    border-radius: 999px;
    font-size: 0.78rem;
    font-weight: 600;
    border: 1px solid currentColor;
  }
  .severity.critical {
    color: var(--vigil-crit);
  }
  .severity.warning {
    color: var(--vigil-warn);
  }
  .severity.info {
    color: var(--vigil-muted);
  }
  .wrap-anywhere {
    overflow-wrap: anywhere;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
