/**
 * Styles shared by the demo's components: panels, buttons, inputs and focus rings. Colours and
 * spacing come from the custom properties set on `:root` in `index.html`, so they cross shadow
 * roots and follow the user's light or dark preference.
 */
import { css } from 'lit';

/** Panel, heading, button, input and focus styles for every component. */
export const sharedStyles = css`
  :host {
    display: block;
    color: var(--fg);
    font: inherit;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .panel {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: var(--radius);
    padding: 14px 16px;
    box-shadow: var(--shadow);
  }
  h2 {
    margin: 0 0 10px;
    font-size: 0.78rem;
    font-weight: 650;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--muted);
  }
  button {
    font: inherit;
    color: var(--fg);
    background: var(--button);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 6px 12px;
    min-height: 34px;
    cursor: pointer;
  }
  button:hover {
    background: var(--button-hover);
  }
  button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--on-accent);
  }
  button.icon {
    min-width: 34px;
    padding: 4px 8px;
  }
  input[type='text'] {
    font: inherit;
    color: var(--fg);
    background: var(--input);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 6px 10px;
    min-height: 34px;
    width: 100%;
  }
  @media (max-width: 600px) {
    /* 16px keeps phones from zooming in when a field gets focus. */
    input[type='text'] {
      font-size: 16px;
    }
  }
  :focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
