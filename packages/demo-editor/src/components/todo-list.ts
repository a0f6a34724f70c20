/**
 * The shared todo list: add, edit in place, check, delete and reorder (buttons, and drag and
 * drop with a mouse). Every change goes straight to the document; what is shown is always the
 * document's list.
 */
import { css, html, LitElement } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { repeat } from 'lit/directives/repeat.js';
import { SubscriptionController } from '../controllers/subscription-controller.js';
import type { TodoItem, TodoModel } from '../model/todo-model.js';
import { sharedStyles } from '../styles/shared.js';

/** `<todo-list>`: edits the shared list `todos`. */
export class TodoList extends LitElement {
  static override properties = {
    todos: { attribute: false },
    dragId: { state: true },
  };

  static override styles = [
    sharedStyles,
    css`
      form {
        display: flex;
        gap: 8px;
        margin-bottom: 10px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      li {
        display: flex;
        align-items: center;
        gap: 6px;
        padding: 4px 4px 4px 8px;
        border: 1px solid var(--border);
        border-radius: 8px;
        background: var(--input);
      }
      li.dragging {
        opacity: 0.5;
      }
      li.done input[type='text'] {
        text-decoration: line-through;
        color: var(--muted);
      }
      li input[type='text'] {
        border-color: transparent;
        background: transparent;
        padding: 4px 6px;
        min-height: 30px;
      }
      li input[type='text']:hover {
        border-color: var(--border);
      }
      input[type='checkbox'] {
        width: 18px;
        height: 18px;
        accent-color: var(--accent);
        flex: none;
      }
      .actions {
        display: flex;
        gap: 2px;
        flex: none;
      }
      .actions button {
        min-height: 30px;
        min-width: 30px;
        padding: 2px 6px;
        border-color: transparent;
        background: transparent;
        color: var(--muted);
      }
      .actions button:hover:not(:disabled) {
        background: var(--button-hover);
        color: var(--fg);
      }
      .grip {
        cursor: grab;
        color: var(--muted);
        flex: none;
        user-select: none;
      }
      .empty {
        color: var(--muted);
        font-size: 0.9rem;
        margin: 4px 0 0;
      }
      .summary {
        font-weight: 500;
        text-transform: none;
        letter-spacing: 0;
      }
    `,
  ];

  declare todos: TodoModel | undefined;
  /** The item being dragged with the mouse, if any. */
  declare dragId: string | undefined;

  constructor() {
    super();
    this.todos = undefined;
    this.dragId = undefined;
    new SubscriptionController(this, () => this.todos);
  }

  override render() {
    const items = this.todos?.items() ?? [];
    const open = items.filter((item) => !item.done).length;
    return html`
      <section class="panel" aria-labelledby="todo-heading">
        <h2 id="todo-heading">
          Todo list <span class="summary">· ${open} open of ${items.length}</span>
        </h2>
        <form @submit=${this.#onAdd}>
          <label class="visually-hidden" for="todo-new">New todo</label>
          <input
            id="todo-new"
            type="text"
            data-testid="todo-input"
            placeholder="Add a todo and press Enter"
            maxlength="200"
            autocomplete="off"
            ?disabled=${!this.todos}
          />
          <button class="primary" type="submit" ?disabled=${!this.todos}>Add</button>
        </form>
        <ul aria-label="Todos">
          ${repeat(
            items,
            (item) => item.id,
            (item, index) => this.#renderItem(item, index, items.length),
          )}
        </ul>
        ${items.length === 0 ? html`<p class="empty">Nothing to do yet.</p>` : null}
      </section>
    `;
  }

  #renderItem(item: TodoItem, index: number, count: number) {
    return html`
      <li
        data-testid="todo-item"
        data-id=${item.id}
        data-text=${item.text}
        class=${classMap({ done: item.done, dragging: item.id === this.dragId })}
        draggable="true"
        @dragstart=${(e: DragEvent) => this.#onDragStart(e, item.id)}
        @dragend=${() => {
          this.dragId = undefined;
        }}
        @dragover=${(e: DragEvent) => e.preventDefault()}
        @drop=${(e: DragEvent) => this.#onDrop(e, index)}
      >
        <span class="grip" aria-hidden="true">⋮⋮</span>
        <input
          type="checkbox"
          data-testid="todo-check"
          .checked=${item.done}
          aria-label=${`Done: ${item.text}`}
          @change=${(e: Event) => this.todos?.setDone(item.id, (e.target as HTMLInputElement).checked)}
        />
        <input
          type="text"
          data-testid="todo-text"
          .value=${item.text}
          maxlength="200"
          aria-label=${`Edit todo: ${item.text}`}
          @change=${(e: Event) => this.#onEdit(e, item)}
          @keydown=${(e: KeyboardEvent) => this.#onEditKey(e, item)}
        />
        <span class="actions">
          <button
            type="button"
            data-testid="todo-up"
            aria-label=${`Move up: ${item.text}`}
            title="Move up"
            ?disabled=${index === 0}
            @click=${() => this.todos?.move(item.id, index - 1)}
          >
            ↑
          </button>
          <button
            type="button"
            data-testid="todo-down"
            aria-label=${`Move down: ${item.text}`}
            title="Move down"
            ?disabled=${index === count - 1}
            @click=${() => this.todos?.move(item.id, index + 1)}
          >
            ↓
          </button>
          <button
            type="button"
            data-testid="todo-delete"
            aria-label=${`Delete: ${item.text}`}
            title="Delete"
            @click=${() => this.todos?.remove(item.id)}
          >
            ✕
          </button>
        </span>
      </li>
    `;
  }

  #onAdd(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#todo-new');
    if (!input || !this.todos) return;
    const text = input.value.trim();
    if (text.length === 0) return;
    this.todos.add(text);
    input.value = '';
  }

  #onEdit(event: Event, item: TodoItem): void {
    const input = event.target as HTMLInputElement;
    const text = input.value.trim();
    if (text.length === 0) {
      input.value = item.text;
      return;
    }
    if (text !== item.text) this.todos?.setText(item.id, text);
  }

  #onEditKey(event: KeyboardEvent, item: TodoItem): void {
    const input = event.target as HTMLInputElement;
    if (event.key === 'Enter') input.blur();
    else if (event.key === 'Escape') {
      input.value = item.text;
      input.blur();
    }
  }

  #onDragStart(event: DragEvent, id: string): void {
    this.dragId = id;
    event.dataTransfer?.setData('text/plain', id);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
  }

  #onDrop(event: DragEvent, index: number): void {
    event.preventDefault();
    if (this.dragId !== undefined) this.todos?.move(this.dragId, index);
    this.dragId = undefined;
  }
}

customElements.define('todo-list', TodoList);

declare global {
  interface HTMLElementTagNameMap {
    'todo-list': TodoList;
  }
}
