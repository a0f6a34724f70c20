/**
 * The other users' carets and selections, drawn from presence: a coloured bar at each peer's
 * head (`.cm-accord-caret`, its `data-name` shown above it by CSS, so it is not editor text), and their selection shaded in their colour. Positions come from
 * the cursor anchors in their presence, resolved in the local text, so they stay on the right
 * characters whatever edits arrived since. Redrawn when presence changes and when the document
 * changes.
 */
import type { Text } from '@accord/core';
import { type Range, StateEffect } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  EditorView,
  ViewPlugin,
  type ViewUpdate,
  WidgetType,
} from '@codemirror/view';
import { bindingFacet } from './binding.js';
import { type PeerPresence, type PresenceSource, resolveCursor, safeColor, safeName } from './presence.js';
import { syncPlugin } from './sync-plugin.js';

/** Dispatched (with no change) when presence changed, so the carets are redrawn. */
const presenceChanged = StateEffect.define<null>();

/** One remote caret to draw, in positions of the editor's document. */
export interface RemoteCaret {
  readonly id: number;
  readonly name: string;
  readonly color: string;
  readonly anchor: number;
  readonly head: number;
}

/**
 * The carets of `peers` in `text` (those whose cursor resolves), clamped to `length`, ordered by
 * session id. Never throws on hostile presence.
 */
export function remoteCarets(
  text: Text,
  peers: ReadonlyMap<number, PeerPresence>,
  length: number,
): RemoteCaret[] {
  const carets: RemoteCaret[] = [];
  for (const [id, state] of peers) {
    const cursor = resolveCursor(text, state.cursor);
    if (!cursor) continue;
    carets.push({
      id,
      name: safeName(state.name, `User ${id}`),
      color: safeColor(state.color),
      anchor: Math.min(cursor.anchor, length),
      head: Math.min(cursor.head, length),
    });
  }
  return carets.sort((a, b) => a.id - b.id);
}

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly color: string,
  ) {
    super();
  }

  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.color === this.color;
  }

  toDOM(): HTMLElement {
    // The name is drawn by CSS (`::after` with `attr(data-name)`), so it is not part of the
    // editor's text content; the caret itself is an empty inline box with a coloured border.
    const caret = document.createElement('span');
    caret.className = 'cm-accord-caret';
    caret.dataset.name = this.name;
    caret.style.setProperty('--accord-caret-color', this.color);
    caret.setAttribute('aria-hidden', 'true');
    return caret;
  }

  override ignoreEvent(): boolean {
    return true;
  }
}

function decorate(carets: readonly RemoteCaret[]): DecorationSet {
  const ranges: Range<Decoration>[] = [];
  for (const caret of carets) {
    const from = Math.min(caret.anchor, caret.head);
    const to = Math.max(caret.anchor, caret.head);
    if (to > from) {
      ranges.push(
        Decoration.mark({
          class: 'cm-accord-selection',
          attributes: { style: `background-color: ${caret.color}40`, 'data-peer': String(caret.id) },
        }).range(from, to),
      );
    }
    ranges.push(
      Decoration.widget({
        widget: new CaretWidget(caret.name, caret.color),
        side: caret.head > from ? -1 : 1,
      }).range(caret.head),
    );
  }
  return Decoration.set(ranges, true);
}

class RemoteCaretsPlugin {
  decorations: DecorationSet = Decoration.none;
  readonly #presence: PresenceSource | undefined;
  readonly #off: (() => void) | undefined;
  #destroyed = false;

  constructor(readonly view: EditorView) {
    this.#presence = view.state.facet(bindingFacet)?.presence;
    this.#off = this.#presence?.on('presence', () => this.#requestRedraw());
    this.#redraw();
  }

  update(update: ViewUpdate): void {
    const refresh = update.transactions.some((tr) => tr.effects.some((e) => e.is(presenceChanged)));
    if (refresh || update.docChanged) this.#redraw(update);
  }

  destroy(): void {
    this.#destroyed = true;
    this.#off?.();
  }

  /** Presence changed (normally from the network, outside any update): redraw in a transaction. */
  #requestRedraw(retry = true): void {
    if (this.#destroyed) return;
    try {
      this.view.dispatch({ effects: presenceChanged.of(null) });
    } catch (error) {
      // Told from inside an update (a synchronous presence source): redraw right after it, once.
      if (!retry) throw error;
      queueMicrotask(() => this.#requestRedraw(false));
    }
  }

  #redraw(update?: ViewUpdate): void {
    const presence = this.#presence;
    const text = this.view.plugin(syncPlugin)?.conf.text;
    if (!presence || !text) return;
    const peers = presence.peers;
    if (peers.size === 0) {
      this.decorations = Decoration.none;
      return;
    }
    const length = this.view.state.doc.length;
    if (text.length !== length) {
      // Remote text waits for a composition: keep the carets where they were.
      if (update) this.decorations = this.decorations.map(update.changes);
      return;
    }
    this.decorations = decorate(remoteCarets(text, peers, length));
  }
}

/** Draws remote carets (needs the sync plugin and a presence source). */
export const remoteCaretsPlugin = ViewPlugin.fromClass(RemoteCaretsPlugin, {
  decorations: (plugin) => plugin.decorations,
});

/** Default look of remote carets; override the classes in your own theme. */
export const remoteCaretsTheme = EditorView.baseTheme({
  '.cm-accord-caret': {
    position: 'relative',
    borderLeft: '2px solid var(--accord-caret-color)',
    marginLeft: '-1px',
    marginRight: '-1px',
    pointerEvents: 'none',
  },
  '.cm-accord-caret::after': {
    content: 'attr(data-name)',
    position: 'absolute',
    left: '-2px',
    bottom: '100%',
    padding: '0 4px',
    borderRadius: '3px 3px 3px 0',
    backgroundColor: 'var(--accord-caret-color)',
    color: '#fff',
    font: '600 11px/1.4 system-ui, sans-serif',
    whiteSpace: 'nowrap',
    userSelect: 'none',
    zIndex: '10',
  },
  '.cm-line:first-child .cm-accord-caret::after': {
    bottom: 'auto',
    top: '100%',
    borderRadius: '0 3px 3px 3px',
  },
});
