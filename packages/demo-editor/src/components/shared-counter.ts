/** The shared counter: − and + buttons around its value; concurrent clicks all count. */
import { css, html, LitElement } from 'lit';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { CounterModel } from '../model/counter-model.js';
import { sharedStyles } from '../styles/shared.js';

/** `<shared-counter>`: shows and changes `counter`. */
export class SharedCounter extends LitElement {
  static override properties = {
    counter: { attribute: false },
  };

  static override styles = [
    sharedStyles,
    css`
      .row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 12px;
      }
      output {
        font: 600 1.9rem/1 var(--sans);
        font-variant-numeric: tabular-nums;
        min-width: 3ch;
        text-align: center;
      }
      button {
        font-size: 1.3rem;
        min-width: 48px;
        min-height: 44px;
      }
    `,
  ];

  declare counter: CounterModel | undefined;

  constructor() {
    super();
    this.counter = undefined;
    new SubscriptionController(this, () => this.counter);
  }

  override render() {
    const disabled = !this.counter;
    return html`
      <section class="panel" aria-labelledby="counter-heading">
        <h2 id="counter-heading">Shared counter</h2>
        <div class="row">
          <button type="button" data-testid="counter-dec" aria-label="Decrement" ?disabled=${disabled} @click=${() => this.counter?.add(-1)}>
            −
          </button>
          <output data-testid="counter-value" aria-live="polite" aria-labelledby="counter-heading">${this.counter?.value() ?? 0}</output>
          <button type="button" data-testid="counter-inc" aria-label="Increment" ?disabled=${disabled} @click=${() => this.counter?.add(1)}>
            +
          </button>
        </div>
      </section>
    `;
  }
}

customElements.define('shared-counter', SharedCounter);

declare global {
  interface HTMLElementTagNameMap {
    'shared-counter': SharedCounter;
  }
}
