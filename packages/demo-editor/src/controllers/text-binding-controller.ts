/**
 * Binds a `<textarea>` to a shared text. Native editing stays native (typing, deleting, paste,
 * drag and drop, spell-check replacements, IME composition); each `input` is turned into one
 * splice of the shared text by diffing against what the textarea showed before. Remote changes
 * are written back with the local selection mapped through their delta, so the caret stays on
 * its character. During an IME composition remote changes wait (writing the textarea would
 * cancel the composition) and are merged when it ends. Undo and redo go to the document's
 * undo manager, which only ever reverts this replica's own edits.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChangeSource, TextModel } from '../model/text-model.js';
import { applyDelta, type Delta, mapPosition, mapSelection } from '../text/delta.js';
import { diffInput, diffStrings } from '../text/diff.js';

/** The local selection, in code units of the current text. */
export interface LocalSelection {
  readonly start: number;
  readonly end: number;
  readonly direction: 'forward' | 'backward' | 'none';
}

/** How the binding finds its model and element, and whom it tells about selection changes. */
export interface TextBindingOptions {
  model(): TextModel | undefined;
  textarea(): HTMLTextAreaElement | null | undefined;
  /** Called when the local selection may have moved (typing, clicks, remote edits). */
  onSelection(selection: LocalSelection): void;
  /** Called after the textarea's content changed for any reason (for overlays). */
  onContent(): void;
}

const NAVIGATION_KEYS = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);

/** Keeps one textarea and one `TextModel` in step, in both directions. */
export class TextBindingController implements ReactiveController {
  readonly #options: TextBindingOptions;
  #model: TextModel | undefined;
  #textarea: HTMLTextAreaElement | undefined;
  #unsubscribe: (() => void) | undefined;
  /** What the textarea showed after the last sync: the base every input is diffed against. */
  #shadow = '';
  #composing = false;
  /** Remote deltas that arrived during a composition, against `#shadow`, in order. */
  #pending: Delta[] = [];
  #applyingLocal = false;
  /** True once the textarea had focus: before that the user has no caret worth showing. */
  #engaged = false;

  constructor(host: ReactiveControllerHost, options: TextBindingOptions) {
    this.#options = options;
    host.addController(this);
  }

  hostUpdated(): void {
    const model = this.#options.model();
    const textarea = this.#options.textarea() ?? undefined;
    if (model !== this.#model || textarea !== this.#textarea) this.#bind(model, textarea);
  }

  hostDisconnected(): void {
    this.#bind(undefined, undefined);
  }

  #bind(model: TextModel | undefined, textarea: HTMLTextAreaElement | undefined): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#textarea) this.#listen(this.#textarea, false);
    this.#model = model;
    this.#textarea = textarea;
    this.#composing = false;
    this.#pending = [];
    this.#engaged = false;
    if (!model || !textarea) return;
    this.#listen(textarea, true);
    this.#unsubscribe = model.subscribe((deltas, source) => this.#onModelChange(deltas, source));
    this.#write(model.value(), 0, 0, 'none');
    this.#options.onContent();
  }

  #listen(textarea: HTMLTextAreaElement, on: boolean): void {
    const handlers: [string, EventListener][] = [
      ['beforeinput', this.#onBeforeInput as EventListener],
      ['input', this.#onInput],
      ['compositionstart', this.#onCompositionStart],
      ['compositionend', this.#onCompositionEnd],
      ['keydown', this.#onKeyDown as EventListener],
      ['pointerdown', this.#onPointerDown],
      ['select', this.#reportSelection],
      ['keyup', this.#reportSelection],
      ['pointerup', this.#reportSelection],
      ['focus', this.#onFocus],
      ['selectionchange', this.#reportSelection],
    ];
    for (const [type, handler] of handlers) {
      if (on) textarea.addEventListener(type, handler);
      else textarea.removeEventListener(type, handler);
    }
  }

  readonly #onBeforeInput = (event: InputEvent): void => {
    if (event.inputType === 'historyUndo' || event.inputType === 'historyRedo') {
      event.preventDefault();
      if (event.inputType === 'historyUndo') this.#model?.undo();
      else this.#model?.redo();
    }
  };

  readonly #onInput = (event: Event): void => {
    if (this.#composing || (event instanceof InputEvent && event.isComposing)) return;
    this.#syncFromTextarea();
  };

  readonly #onCompositionStart = (): void => {
    this.#composing = true;
  };

  readonly #onCompositionEnd = (): void => {
    this.#composing = false;
    this.#syncFromTextarea();
    this.#flushPending();
  };

  readonly #onKeyDown = (event: KeyboardEvent): void => {
    if (event.isComposing) return;
    if (NAVIGATION_KEYS.has(event.key)) {
      this.#model?.stopCapturing();
      return;
    }
    const mod = event.ctrlKey || event.metaKey;
    if (!mod || event.altKey) return;
    const key = event.key.toLowerCase();
    if (key === 'z') {
      event.preventDefault();
      if (event.shiftKey) this.#model?.redo();
      else this.#model?.undo();
    } else if (key === 'y' && !event.shiftKey) {
      event.preventDefault();
      this.#model?.redo();
    }
  };

  readonly #onPointerDown = (): void => {
    this.#model?.stopCapturing();
  };

  readonly #onFocus = (): void => {
    this.#engaged = true;
    this.#reportSelection();
  };

  /** Tell the host where the selection is, once the user has been in the editor at all. */
  readonly #reportSelection = (): void => {
    const textarea = this.#textarea;
    if (!textarea || !this.#engaged) return;
    this.#options.onSelection({
      start: textarea.selectionStart,
      end: textarea.selectionEnd,
      direction: directionOf(textarea),
    });
  };

  /** Turn whatever the user did since the last sync into one splice of the shared text. */
  #syncFromTextarea(): void {
    const model = this.#model;
    const textarea = this.#textarea;
    if (!model || !textarea) return;
    const value = textarea.value;
    const splice = diffInput(this.#shadow, value, textarea.selectionEnd);
    if (splice) {
      let { index, deleteCount } = splice;
      for (const delta of this.#pending) {
        const end = mapPosition(index + deleteCount, delta, 'left');
        index = mapPosition(index, delta, 'right');
        deleteCount = Math.max(0, end - index);
      }
      this.#applyingLocal = true;
      try {
        model.splice(index, deleteCount, splice.insert);
      } finally {
        this.#applyingLocal = false;
      }
      if (this.#pending.length > 0) {
        this.#pending = [];
        const caret = index + splice.insert.length;
        this.#write(model.value(), caret, caret, 'none');
      } else {
        this.#shadow = value;
      }
      this.#options.onContent();
    }
    this.#reportSelection();
  }

  #onModelChange(deltas: readonly Delta[], source: ChangeSource): void {
    if (source === 'local' && this.#applyingLocal) return;
    if (this.#composing) {
      this.#pending.push(...deltas);
      return;
    }
    this.#applyExternal(deltas, source);
  }

  /** After a composition: write the remote changes that waited for it. */
  #flushPending(): void {
    if (this.#pending.length === 0) return;
    const deltas = this.#pending;
    this.#pending = [];
    const model = this.#model;
    const textarea = this.#textarea;
    if (!model || !textarea) return;
    let { selectionStart: start, selectionEnd: end } = textarea;
    for (const delta of deltas) ({ start, end } = mapSelection(start, end, delta));
    this.#write(model.value(), start, end, directionOf(textarea));
    this.#options.onContent();
  }

  /** Write a change made elsewhere (another replica, or undo/redo) into the textarea. */
  #applyExternal(deltas: readonly Delta[], source: ChangeSource): void {
    const model = this.#model;
    const textarea = this.#textarea;
    if (!model || !textarea) return;
    const after = model.value();
    let changes = deltas;
    let text = this.#shadow;
    try {
      for (const delta of deltas) text = applyDelta(text, delta);
    } catch {
      text = '';
    }
    // Events that do not add up to the new text (never expected): diff instead.
    if (text !== after) changes = [diffStrings(this.#shadow, after)];
    if (source === 'undo') {
      const last = changes[changes.length - 1];
      const caret = last ? endOfLastChange(last) : textarea.selectionEnd;
      this.#write(after, caret, caret, 'none');
    } else {
      let { selectionStart: start, selectionEnd: end } = textarea;
      for (const delta of changes) ({ start, end } = mapSelection(start, end, delta));
      this.#write(after, start, end, directionOf(textarea));
    }
    this.#options.onContent();
    // Undo moves the caret: tell the others. A remote edit does not: the caret's anchor (sent in
    // presence) is attached to its character, so the others still resolve it correctly.
    if (source === 'undo') this.#reportSelection();
  }

  #write(value: string, start: number, end: number, direction: LocalSelection['direction']): void {
    const textarea = this.#textarea;
    if (!textarea) return;
    this.#shadow = value;
    if (textarea.value === value && textarea.selectionStart === start && textarea.selectionEnd === end)
      return;
    const { scrollTop, scrollLeft } = textarea;
    textarea.value = value;
    textarea.setSelectionRange(start, end, direction);
    textarea.scrollTop = scrollTop;
    textarea.scrollLeft = scrollLeft;
  }
}

/** Where a caret belongs after undo or redo: just after the last inserted (or deleted) text. */
function endOfLastChange(delta: Delta): number {
  let index = 0;
  let caret = 0;
  for (const op of delta) {
    if ('retain' in op) index += op.retain;
    else if ('insert' in op) {
      index += op.insert.length;
      caret = index;
    } else caret = index;
  }
  return caret;
}

function directionOf(textarea: HTMLTextAreaElement): LocalSelection['direction'] {
  const direction = textarea.selectionDirection;
  return direction === 'forward' || direction === 'backward' ? direction : 'none';
}
